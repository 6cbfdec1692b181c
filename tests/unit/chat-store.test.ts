import { chatReducer } from "@/components/chat/client/reducer";
import { gapPositions, sortedConversations, syncPositions } from "@/components/chat/client/selectors";
import { initialChatState, type ChatAction, type ChatState } from "@/components/chat/client/state";
import type { ConversationView } from "@/lib/conversations/types";
import { conversationView, member } from "@/tests/support/chat-fixtures";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

const ME = "me";
const ADA = "ada";

function conversation(id: string, over: Partial<ConversationView> = {}): ConversationView {
  return conversationView({ id, members: [member(ME, "Me", { online: true }), member(ADA, "Ada")], ...over });
}

function message(seq: number, over: Partial<MessageView> = {}): MessageView {
  return {
    ...PLAIN_TEXT,
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

function withTimeline(messages: MessageView[] = []): ChatState {
  let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation("c1")], since: 0 });
  s = chatReducer(s, { type: "timeline:loaded", conversationId: "c1", messages, hasMore: false });
  return s;
}

describe("the chat store", () => {
  it("applies a message once however often it arrives, in seq order", () => {
    let s = withTimeline([message(1)]);
    s = chatReducer(s, { type: "messages", messages: [message(3)] });
    s = chatReducer(s, { type: "messages", messages: [message(2), message(3)] });
    s = chatReducer(s, { type: "messages", messages: [message(2)] });
    expect(s.timelines.c1.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(s.conversations.c1.lastMessage?.id).toBe("m3");
    expect(s.conversations.c1.unreadCount).toBe(2);
    // deleting an unread message takes it out of the count
    s = chatReducer(s, { type: "messages", messages: [message(2, { rev: 4, body: "", deletedAt: "2026-03-01T11:09:00.000Z" })] });
    expect(s.conversations.c1.unreadCount).toBe(1);
  });

  it("keeps the newest revision of an edited or deleted message", () => {
    let s = withTimeline([message(1)]);
    const edited = message(1, { rev: 2, body: "edited", editedAt: "2026-03-01T11:05:00.000Z" });
    const deleted = message(1, { rev: 3, body: "", deletedAt: "2026-03-01T11:06:00.000Z" });
    s = chatReducer(s, { type: "messages", messages: [deleted] });
    s = chatReducer(s, { type: "messages", messages: [edited] });
    expect(s.timelines.c1.items).toEqual([deleted]);
    expect(syncPositions(s)).toEqual({ c1: 3 });
  });

  it("takes an acknowledged send out of the outbox, by clientId", () => {
    let s = withTimeline();
    s = chatReducer(s, { type: "outbox:add", message: { clientId: "k1", conversationId: "c1", body: "hi", createdAt: "2026-03-01T11:00:00.000Z", status: "pending" } });
    s = chatReducer(s, { type: "outbox:status", clientId: "k1", status: "failed", error: "Not sent" });
    expect(s.outbox[0].status).toBe("failed");
    s = chatReducer(s, { type: "messages", messages: [message(1, { senderId: ME, clientId: "k1", body: "hi" })] });
    expect(s.outbox).toEqual([]);
    expect(s.timelines.c1.items.map((m) => m.body)).toEqual(["hi"]);
    // one's own message is not unread
    expect(s.conversations.c1.unreadCount).toBe(0);
  });

  it("sorts conversations by last activity and tracks presence and reads", () => {
    let s = chatReducer(initialChatState(ME), {
      type: "list:loaded",
      conversations: [conversation("old"), conversation("new", { createdAt: "2026-03-02T10:00:00.000Z" })],
      since: 0,
    });
    expect(sortedConversations(s.conversations).map((c) => c.id)).toEqual(["new", "old"]);
    s = chatReducer(s, { type: "messages", messages: [message(1, { conversationId: "old", createdAt: "2026-03-03T09:00:00.000Z" })] });
    expect(sortedConversations(s.conversations).map((c) => c.id)).toEqual(["old", "new"]);
    expect(s.conversations.old.unreadCount).toBe(1);
    s = chatReducer(s, { type: "read", conversationId: "old", userId: ME, seq: 1 });
    expect(s.conversations.old.unreadCount).toBe(0);
    s = chatReducer(s, { type: "presence", userId: ADA, online: true });
    expect(s.conversations.old.members.find((m) => m.id === ADA)?.online).toBe(true);
  });

  it("forgets typing after it expires", () => {
    let s = withTimeline();
    s = chatReducer(s, { type: "typing", conversationId: "c1", userId: ADA, typing: true, until: 1000 });
    expect(Object.keys(s.typing.c1)).toEqual([ADA]);
    s = chatReducer(s, { type: "typing:expire", now: 999 });
    expect(Object.keys(s.typing.c1)).toEqual([ADA]);
    s = chatReducer(s, { type: "typing:expire", now: 1001 });
    expect(s.typing.c1).toEqual({});
  });
});

/** Applies actions in turn. */
const apply = (s: ChatState, ...actions: ChatAction[]) => actions.reduce(chatReducer, s);
const live = (...messages: MessageView[]): ChatAction => ({ type: "messages", messages });
const syncAnswer = (messages: MessageView[], hasMore: boolean, ends: Record<string, number>): ChatAction => ({ type: "sync", messages, hasMore, ends });

// Issue 11, item 1: the cursor sync starts from never passes a position not held (docs/protocol.md, "Catching up")
describe("the catch-up cursor", () => {
  it("is not moved by one's own acknowledged send above a missed message", () => {
    // Ada missed Bob's message 2 while offline; her own send comes back acknowledged as 3
    let s = withTimeline([message(1)]);
    s = apply(s, live(message(3, { senderId: ME })));
    expect(s.timelines.c1.items.map((m) => m.seq)).toEqual([1, 3]);
    expect(syncPositions(s)).toEqual({ c1: 1 });
    expect(gapPositions(s)).toEqual({ c1: 1 });
    // sync from 1 brings 2 (and 3 again): now everything up to 3 is held
    s = apply(s, syncAnswer([message(2), message(3, { senderId: ME })], false, { c1: 3 }));
    expect(s.timelines.c1.items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(syncPositions(s)).toEqual({ c1: 3 });
    expect(gapPositions(s)).toEqual({});
  });

  it("is moved by one's own acknowledged send when it is the next position", () => {
    let s = withTimeline([message(1)]);
    s = apply(s, live(message(2, { senderId: ME })));
    expect(syncPositions(s)).toEqual({ c1: 2 });
    expect(gapPositions(s)).toEqual({});
  });

  it("holds a message seen out of order until the ones before it arrive, then joins them up", () => {
    let s = withTimeline([message(1)]);
    s = apply(s, live(message(4)), live(message(3)));
    expect(syncPositions(s)).toEqual({ c1: 1 });
    expect(gapPositions(s)).toEqual({ c1: 1 });
    s = apply(s, live(message(2)));
    expect(syncPositions(s)).toEqual({ c1: 4 });
    expect(gapPositions(s)).toEqual({});
    // a repeat changes nothing
    expect(apply(s, live(message(3)))).toBe(s);
  });

  it("counts edits and deletions as positions, in order or not", () => {
    let s = withTimeline([message(1), message(2)]);
    s = apply(s, live(message(1, { rev: 3, body: "edited", editedAt: "2026-03-01T11:05:00.000Z" })));
    expect(syncPositions(s)).toEqual({ c1: 3 });
    // position 4 (an edit) is missed, 5 (deleting the same message) arrives: the missed edit is superseded, but only sync can tell
    s = apply(s, live(message(1, { rev: 5, body: "", deletedAt: "2026-03-01T11:06:00.000Z" })));
    expect(syncPositions(s)).toEqual({ c1: 3 });
    s = apply(s, syncAnswer([message(1, { rev: 5, body: "", deletedAt: "2026-03-01T11:06:00.000Z" })], false, { c1: 5 }));
    expect(syncPositions(s)).toEqual({ c1: 5 });
    // a change to a message older than the loaded page is not shown, but its position is held
    s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation("c1", { lastSeq: 9 })], since: 0 });
    s = apply(s, { type: "timeline:loaded", conversationId: "c1", messages: [message(8), message(9)], hasMore: true }, live(message(2, { rev: 10, body: "old, edited" })));
    expect(s.timelines.c1.items.map((m) => m.seq)).toEqual([8, 9]);
    expect(syncPositions(s)).toEqual({ c1: 10 });
  });

  it("moves only as far as each sync page reaches, and past superseded positions", () => {
    let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation("c1", { lastSeq: 1 }), conversation("c2", { lastSeq: 1 })], since: 0 });
    for (const id of ["c1", "c2"]) s = chatReducer(s, { type: "timeline:loaded", conversationId: id, messages: [message(1, { id: `${id}-1`, conversationId: id })], hasMore: false });
    // the list (fetched on reconnect) says c1 ends at 3 and c2 at 6
    s = apply(s, { type: "conversation:upsert", conversation: { ...s.conversations.c1, lastSeq: 3 } }, { type: "conversation:upsert", conversation: { ...s.conversations.c2, lastSeq: 6 } });
    expect(gapPositions(s)).toEqual({ c1: 1, c2: 1 });
    const c2 = (seq: number, over: Partial<MessageView> = {}) => message(seq, { id: `c2-${seq}`, conversationId: "c2", ...over });
    // first page: all of c1, the start of c2; more to come, so c2 is held only up to what came
    s = apply(s, syncAnswer([message(2, { id: "c1-2" }), message(3, { id: "c1-3" }), c2(2)], true, { c1: 3, c2: 6 }));
    expect(syncPositions(s)).toEqual({ c1: 3, c2: 2 });
    // last page: c2's message 3 was edited at 5, message 4 at 6: positions 3 and 5 no longer exist as such
    s = apply(s, syncAnswer([c2(3, { rev: 5, body: "edited" }), c2(4, { rev: 6, body: "edited" })], false, { c2: 6 }));
    expect(syncPositions(s)).toEqual({ c1: 3, c2: 6 });
    expect(gapPositions(s)).toEqual({});
  });

  it("keeps a live event that arrives while a sync is under way", () => {
    let s = withTimeline([message(1)]);
    // sync asked from 1 knowing the end was 3; 4 and 5 arrive live before its answer
    s = apply(s, live(message(5)), live(message(4)), syncAnswer([message(2), message(3)], false, { c1: 3 }));
    expect(s.timelines.c1.items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(syncPositions(s)).toEqual({ c1: 5 });
  });

  it("starts from a loaded page, and sees the gap when the conversation went on while it loaded", () => {
    let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation("c1", { lastSeq: 1 })], since: 0 });
    // no timeline yet: nothing to sync from, nothing to catch up
    s = apply(s, live(message(2)));
    expect(syncPositions(s)).toEqual({});
    expect(gapPositions(s)).toEqual({});
    // the page was rendered before message 2
    s = apply(s, { type: "timeline:loaded", conversationId: "c1", messages: [message(1)], hasMore: false });
    expect(syncPositions(s)).toEqual({ c1: 1 });
    expect(gapPositions(s)).toEqual({ c1: 1 });
    s = apply(s, syncAnswer([message(2)], false, { c1: 2 }));
    expect(s.timelines.c1.items.map((m) => m.seq)).toEqual([1, 2]);
    expect(gapPositions(s)).toEqual({});
  });

  it("forgets a conversation's cursor when it is removed, and starts afresh when it comes back", () => {
    let s = withTimeline([message(1), message(2)]);
    s = apply(s, { type: "conversation:remove", conversationId: "c1" });
    expect(syncPositions(s)).toEqual({});
    s = apply(s, { type: "conversation:upsert", conversation: conversation("c1", { lastSeq: 5 }) });
    expect(syncPositions(s)).toEqual({});
    s = apply(s, { type: "timeline:loaded", conversationId: "c1", messages: [message(1), message(2), message(5)], hasMore: false });
    expect(syncPositions(s)).toEqual({ c1: 5 });
    expect(gapPositions(s)).toEqual({});
  });

  it("claims nothing from an incomplete answer beyond what it brought", () => {
    let s = withTimeline([message(1)]);
    s = apply(s, syncAnswer([], true, { c1: 9 }));
    expect(syncPositions(s)).toEqual({ c1: 1 });
  });
});

// Found by the attack pass on issue 11: counts and changes a reconnect or an older page must not lose or double
describe("catching up without counting twice or losing changes", () => {
  it("does not count again the messages a reconnect's sync brings when the fresh list already counted them", () => {
    // the timeline was opened earlier; while offline Ada sent two; the list on reconnect counts them
    let s = withTimeline([message(1)]);
    s = apply(s, { type: "read", conversationId: "c1", userId: ME, seq: 1 });
    s = apply(s, { type: "list:loaded", conversations: [conversation("c1", { lastSeq: 3, lastReadSeq: 1, unreadCount: 2, lastMessage: message(3) })], since: 0 });
    s = apply(s, syncAnswer([message(2), message(3)], false, { c1: 3 }));
    expect(s.conversations.c1.unreadCount).toBe(2);
    // news after the list is counted as ever
    s = apply(s, live(message(4)));
    expect(s.conversations.c1.unreadCount).toBe(3);
  });

  it("keeps a change to an old message that lands while its older page is on the way", () => {
    const page = Array.from({ length: 10 }, (_, i) => message(11 + i));
    let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation("c1", { lastSeq: 20 })], since: 0 });
    s = apply(s, { type: "timeline:loaded", conversationId: "c1", messages: page, hasMore: true });
    // message 3 is deleted and 5 edited while the page of 1..10 (fetched before) is on its way
    s = apply(s, live(message(3, { rev: 21, body: "", deletedAt: "2026-03-01T12:00:00.000Z" }), message(5, { rev: 22, body: "edited", editedAt: "2026-03-01T12:01:00.000Z" })));
    expect(s.timelines.c1.items[0].seq).toBe(11);
    s = apply(s, { type: "timeline:older", conversationId: "c1", messages: Array.from({ length: 10 }, (_, i) => message(1 + i)), hasMore: false });
    expect(s.timelines.c1.items.find((m) => m.seq === 3)?.deletedAt).not.toBeNull();
    expect(s.timelines.c1.items.find((m) => m.seq === 5)?.body).toBe("edited");
    expect(s.timelines.c1.items.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
