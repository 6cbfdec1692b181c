import type { Metadata } from "next";
import { ConversationScreen } from "@/components/chat/conversation/ConversationScreen";
import { requireSession } from "@/lib/current-user";
import { openingView } from "@/lib/messages";

export const metadata: Metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requireSession();
  const { id } = await params;
  // sent with the page, so the messages show as soon as it is interactive, without a round trip
  const opening = await openingView(user.id, id);
  return <ConversationScreen key={id} conversationId={id} opening={opening} />;
}
