import type { Metadata } from "next";
import { ConversationScreen } from "@/components/chat/ConversationScreen";
import { requireSession } from "@/lib/current-user";

export const metadata: Metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  await requireSession();
  const { id } = await params;
  return <ConversationScreen key={id} conversationId={id} />;
}
