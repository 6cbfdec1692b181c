import type { Metadata } from "next";
import { ConversationScreen } from "@/components/chat/conversation/ConversationScreen";
import { requireSession } from "@/lib/http/current-session";
import { openingView } from "@/lib/messages/history";

export const metadata: Metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requireSession();
  const { id } = await params;
  // sent with the page, so the messages show as soon as it is interactive, without a round trip
  const opening = await openingView({ userId: user.id, conversationId: id });
  return <ConversationScreen key={id} conversationId={id} opening={opening} />;
}
