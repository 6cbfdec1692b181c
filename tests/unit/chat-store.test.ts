import { chatReducer, initialChatState, syncPositions, sortedConversations, type ChatState } from "@/components/chat/store";
import { linkify } from "@/components/chat/format";
import type { ConversationView, MessageView } from "@/lib/realtime/events";

const ME = "me";
const ADA = "ada";

function conversation(id: string, over: Partial<ConversationView> = {}): ConversationView {
  return {
    id,
    kind: "direct",
    title: null,
    createdAt: "2026-03-01T10:00:00.000Z",
    lastSeq: 0,
    members: [
      { id: ME, username: "me", displayName: "Me", avatar: null, role: "member", lastReadSeq: 0, online: true },
      { id: ADA, username: "ada", displayName: "Ada", avatar: null, role: "member", lastReadSeq: 0, online: false },
    ],
    role: "member",
    lastReadSeq: 0,
    unreadCount: 0,
    lastMessage: null,
    peerDeleted: false,
    ...over,
  };
}

function message(seq: number, over: Partial<MessageView> = {}): MessageView {
  return {
    id: `m${seq}`,
    conversationId: "c1",
    seq,
    rev: seq,
    senderId: ADA,
    clientId: `client-${seq}`,
    body: `body ${seq}`,
    createdAt: new Date(Date.UTC(2026, 2, 1, 11, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    ...over,
  };
}

function withThread(messages: MessageView[] = []): ChatState {
  let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation("c1")] });
  s = chatReducer(s, { type: "thread:loaded", conversationId: "c1", messages, hasMore: false });
  return s;
}

describe("the chat store", () => {
  it("applies a message once however often it arrives, in seq order", () => {
    let s = withThread([message(1)]);
    s = chatReducer(s, { type: "messages", messages: [message(3)] });
    s = chatReducer(s, { type: "messages", messages: [message(2), message(3)] });
    s = chatReducer(s, { type: "messages", messages: [message(2)] });
    expect(s.threads.c1.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(s.conversations.c1.lastMessage?.id).toBe("m3");
    expect(s.conversations.c1.unreadCount).toBe(2);
    // deleting an unread message takes it out of the count
    s = chatReducer(s, { type: "messages", messages: [message(2, { rev: 4, body: "", deletedAt: "2026-03-01T11:09:00.000Z" })] });
    expect(s.conversations.c1.unreadCount).toBe(1);
  });

  it("keeps the newest revision of an edited or deleted message", () => {
    let s = withThread([message(1)]);
    const edited = message(1, { rev: 2, body: "edited", editedAt: "2026-03-01T11:05:00.000Z" });
    const deleted = message(1, { rev: 3, body: "", deletedAt: "2026-03-01T11:06:00.000Z" });
    s = chatReducer(s, { type: "messages", messages: [deleted] });
    s = chatReducer(s, { type: "messages", messages: [edited] });
    expect(s.threads.c1.items).toEqual([deleted]);
    expect(syncPositions(s)).toEqual({ c1: 3 });
  });

  it("takes an acknowledged send out of the outbox, by clientId", () => {
    let s = withThread();
    s = chatReducer(s, { type: "outbox:add", message: { clientId: "k1", conversationId: "c1", body: "hi", createdAt: "2026-03-01T11:00:00.000Z", status: "pending" } });
    s = chatReducer(s, { type: "outbox:status", clientId: "k1", status: "failed", error: "Not sent" });
    expect(s.outbox[0].status).toBe("failed");
    s = chatReducer(s, { type: "messages", messages: [message(1, { senderId: ME, clientId: "k1", body: "hi" })] });
    expect(s.outbox).toEqual([]);
    expect(s.threads.c1.items.map((m) => m.body)).toEqual(["hi"]);
    // one's own message is not unread
    expect(s.conversations.c1.unreadCount).toBe(0);
  });

  it("sorts conversations by last activity and tracks presence and reads", () => {
    let s = chatReducer(initialChatState(ME), {
      type: "list:loaded",
      conversations: [conversation("old"), conversation("new", { createdAt: "2026-03-02T10:00:00.000Z" })],
    });
    expect(sortedConversations(s).map((c) => c.id)).toEqual(["new", "old"]);
    s = chatReducer(s, { type: "messages", messages: [message(1, { conversationId: "old", createdAt: "2026-03-03T09:00:00.000Z" })] });
    expect(sortedConversations(s).map((c) => c.id)).toEqual(["old", "new"]);
    expect(s.conversations.old.unreadCount).toBe(1);
    s = chatReducer(s, { type: "read", conversationId: "old", userId: ME, seq: 1 });
    expect(s.conversations.old.unreadCount).toBe(0);
    s = chatReducer(s, { type: "presence", userId: ADA, online: true });
    expect(s.conversations.old.members.find((m) => m.id === ADA)?.online).toBe(true);
  });

  it("forgets typing after it expires", () => {
    let s = withThread();
    s = chatReducer(s, { type: "typing", conversationId: "c1", userId: ADA, typing: true, until: 1000 });
    expect(Object.keys(s.typing.c1)).toEqual([ADA]);
    s = chatReducer(s, { type: "typing:expire", now: 999 });
    expect(Object.keys(s.typing.c1)).toEqual([ADA]);
    s = chatReducer(s, { type: "typing:expire", now: 1001 });
    expect(s.typing.c1).toEqual({});
  });
});

describe("linkify", () => {
  it("links only http and https, leaving trailing punctuation outside", () => {
    expect(linkify("go to https://a.example/x, or http://b.example. javascript:alert(1) <b>x</b>")).toEqual([
      { kind: "text", text: "go to " },
      { kind: "link", text: "https://a.example/x", href: "https://a.example/x" },
      { kind: "text", text: ", or " },
      { kind: "link", text: "http://b.example", href: "http://b.example" },
      { kind: "text", text: ". javascript:alert(1) <b>x</b>" },
    ]);
  });
});
