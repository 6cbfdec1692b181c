import type { Metadata } from "next";
import { ConversationScreen } from "@/components/chat/conversation/ConversationScreen";
import { PlaceViewScript } from "@/components/chat/messages/PlaceViewScript";
import { cspNonce } from "@/lib/http/csp";
import { requireSession } from "@/lib/http/current-session";
import { openingView } from "@/lib/messages/history";

export const metadata: Metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requireSession();
  const { id } = await params;
  // sent with the page, so the messages show as soon as it is interactive, without a round trip
  const opening = await openingView({ userId: user.id, conversationId: id });
  const nonce = await cspNonce();
  return (
    <>
      <ConversationScreen key={id} conversationId={id} opening={opening} />
      {/* the list opens at its place (the first unread, or the newest) before the first paint; on a
          client-side navigation there is no paint of server HTML to place, and MessageList does it */}
      {nonce && <PlaceViewScript nonce={nonce} />}
    </>
  );
}
