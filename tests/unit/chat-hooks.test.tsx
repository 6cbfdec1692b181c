/**
 * Hooks per concern: a component renders again only when the slice it reads changes. One that only
 * acts (useChatActions) never renders again for state changes; one that reads a conversation renders
 * for that conversation's changes, not for typing signals or other conversations.
 */
import { act, render } from "@testing-library/react";
import { ChatClientProvider } from "@/components/chat/ChatProvider";
import { useChatActions } from "@/components/chat/hooks/useChat";
import { useConversation } from "@/components/chat/hooks/useChatState";
import type { ConversationView } from "@/lib/conversations/types";
import { ADA, C1, directConversation, ME } from "@/tests/support/chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

const C2 = "44444444-4444-4444-8444-444444444444";
const renders = { actor: 0, reader: 0 };

function Actor() {
  useChatActions();
  renders.actor++;
  return null;
}

function Reader() {
  useConversation(C1);
  renders.reader++;
  return null;
}

it("renders a component again only for the slice it reads", async () => {
  const socket = new ScriptedSocket();
  const other: ConversationView = { ...directConversation(0), id: C2 };
  global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ conversations: [directConversation(3), other] }) }) as Response) as typeof fetch;
  render(
    <ChatClientProvider meId={ME} connect={() => socket.asSocket()} navigation={fakeNavigation()} initialConversations={[directConversation(3), other]}>
      <Actor />
      <Reader />
    </ChatClientProvider>,
  );
  await act(async () => socket.fire("connect"));
  for (let i = 0; i < 5; i++) await act(async () => {});
  const before = { ...renders };

  // someone types in C1, and C2 changes: neither is what the two read
  await act(async () => socket.fire("typing", { conversationId: C1, userId: ADA, typing: true }));
  await act(async () => socket.fire("conversation:updated", { ...other, lastSeq: 1, unreadCount: 1 }));
  expect(renders).toEqual(before);

  // C1 changes: the reader renders, the actor does not
  await act(async () => socket.fire("conversation:updated", { ...directConversation(3), title: null, lastSeq: 4, unreadCount: 1 }));
  expect(renders.actor).toBe(before.actor);
  expect(renders.reader).toBeGreaterThan(before.reader);
});
