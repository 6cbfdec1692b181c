/**
 * The store's side of issue 11, item 5: unread counts that stay true (exact where the page can tell,
 * a recount from the server where it cannot), profiles of senders who left, and `user:updated`.
 */
import type { PublicUser } from "@/lib/people/types";
import { chatReducer } from "@/components/chat/client/reducer";
import { initialChatState, type ChatAction, type ChatState } from "@/components/chat/client/state";
import { conversationTitle, otherMember } from "@/components/chat/client/names";
import { unknownSenders } from "@/components/chat/client/people";
import type { ConversationView } from "@/lib/conversations/types";
import { conversationView, member } from "@/tests/support/chat-fixtures";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

const ME = "me";
const BOB = "bob";
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 11, minute)).toISOString();

function conversation(over: Partial<ConversationView> = {}): ConversationView {
  return conversationView({ id: "c1", createdAt: at(0), members: [member(ME, "Me", { online: true }), member(BOB, "Bob", { online: true })], ...over });
}

function message(seq: number, over: Partial<MessageView> = {}): MessageView {
  return { ...PLAIN_TEXT, id: `m${seq}`, conversationId: "c1", seq, rev: seq, senderId: BOB, clientId: `k${seq}`, body: `hi ${seq}`, createdAt: at(seq), editedAt: null, deletedAt: null, ...over };
}
const deleted = (m: MessageView, rev: number): MessageView => ({ ...m, rev, body: "", deletedAt: at(rev) });
const run = (s: ChatState, ...actions: ChatAction[]) => actions.reduce(chatReducer, s);
const live = (...messages: MessageView[]): ChatAction => ({ type: "messages", messages });

/** The list as loaded, without the timeline (the conversation is not open). */
const listOnly = (c = conversation()) => run(initialChatState(ME), { type: "list:loaded", conversations: [c], since: 0 });

describe("unread counts on an open page", () => {
  it("recounts from the server when someone deletes unread messages of a conversation that is not open", () => {
    // Bob sends two, then deletes both; Ada's timeline is not loaded, so the page cannot tell what was counted
    let s = run(listOnly(), live(message(1)), live(message(2)));
    expect(s.conversations.c1.unreadCount).toBe(2);
    expect(s.recount).toEqual({});
    s = run(s, live(deleted(message(1), 3)), live(deleted(message(2), 4)));
    expect(s.recount).toEqual({ c1: true });
    // the server's view (GET /api/conversations/:id) taken after both deletions puts it right
    s = run(s, { type: "conversation:refreshed", conversation: conversation({ lastSeq: 4, unreadCount: 0, lastMessage: deleted(message(2), 4) }), since: 0 });
    expect(s.conversations.c1.unreadCount).toBe(0);
    expect(s.recount).toEqual({});
  });

  it("ignores a view older than what it holds, keeping the mark so that it is asked for again", () => {
    let s = run(listOnly(), live(message(1)), live(message(2)), live(deleted(message(1), 3)));
    const marked = s.recount;
    // a view taken before the deletion (lastSeq 2) would bring the count back to 2
    s = run(s, { type: "conversation:refreshed", conversation: conversation({ lastSeq: 2, unreadCount: 2, lastMessage: message(2) }), since: 0 });
    expect(s.conversations.c1.unreadCount).toBe(2);
    expect(s.recount).toEqual({ c1: true });
    expect(s.recount).not.toBe(marked); // a new identity: the provider's effect asks again
    // and one taken before a read from another tab is stale too
    s = run(s, { type: "read", conversationId: "c1", userId: ME, seq: 3 });
    s = run(s, { type: "conversation:refreshed", conversation: conversation({ lastSeq: 3, lastReadSeq: 0, unreadCount: 1, lastMessage: message(2) }), since: 0 });
    expect(s.conversations.c1.unreadCount).toBe(0);
    expect(s.conversations.c1.lastReadSeq).toBe(3);
  });

  it("counts a deletion in an open conversation exactly, once, however often it arrives (sync and live)", () => {
    let s = run(listOnly(conversation({ lastSeq: 2, unreadCount: 2, lastMessage: message(2) })), {
      type: "timeline:loaded",
      conversationId: "c1",
      messages: [message(1), message(2)],
      hasMore: false,
    });
    const gone = deleted(message(1), 3);
    s = run(s, live(gone), live(gone), live(gone));
    expect(s.conversations.c1.unreadCount).toBe(1);
    expect(s.recount).toEqual({});
  });

  it("does not take a deletion off twice when a newer view already left it out", () => {
    let s = run(listOnly(conversation({ lastSeq: 2, unreadCount: 2, lastMessage: message(2) })), {
      type: "timeline:loaded",
      conversationId: "c1",
      messages: [message(1), message(2)],
      hasMore: false,
    });
    // the list fetched after a reconnect already counts the deletion (rev 3), whose live event comes late
    s = run(s, { type: "list:loaded", conversations: [conversation({ lastSeq: 3, unreadCount: 1, lastMessage: message(2) })], since: 0 });
    s = run(s, live(deleted(message(1), 3)));
    expect(s.conversations.c1.unreadCount).toBe(1);
  });

  it("changes no count for edits, nor for one's own deletions, and marks nothing", () => {
    let s = run(listOnly(), live(message(1)), live(message(2)));
    s = run(s, live({ ...message(1), rev: 3, body: "edited", editedAt: at(3) }), live(message(4, { senderId: ME })), live(deleted(message(4, { senderId: ME }), 5)));
    expect(s.conversations.c1.unreadCount).toBe(0); // one's own message read everything before it
    expect(s.recount).toEqual({});
    let t = run(listOnly(), live(message(1)), live({ ...message(1), rev: 2, body: "edited", editedAt: at(2) }));
    expect(t.conversations.c1.unreadCount).toBe(1);
    t = run(t, live({ ...message(1), rev: 2, body: "edited", editedAt: at(2) }));
    expect(t.conversations.c1.unreadCount).toBe(1);
    expect(t.recount).toEqual({});
  });

  it("recounts when a read from another tab lands before the loaded page, and not when it lands inside it", () => {
    const opened = (hasMore: boolean) =>
      run(listOnly(conversation({ lastSeq: 60, unreadCount: 50, lastMessage: message(60) })), {
        type: "timeline:loaded",
        conversationId: "c1",
        messages: Array.from({ length: 50 }, (_, i) => message(i + 11)),
        hasMore,
      });
    const inside = run(opened(true), { type: "read", conversationId: "c1", userId: ME, seq: 40 });
    expect(inside.conversations.c1.unreadCount).toBe(20);
    expect(inside.recount).toEqual({});
    const before = run(opened(true), { type: "read", conversationId: "c1", userId: ME, seq: 5 });
    expect(before.recount).toEqual({ c1: true });
    // not open at all: the read position alone cannot say how many are left
    const closed = run(listOnly(conversation({ lastSeq: 60, unreadCount: 50, lastMessage: message(60) })), { type: "read", conversationId: "c1", userId: ME, seq: 30 });
    expect(closed.recount).toEqual({ c1: true });
    // someone else's read changes nothing of one's own count
    expect(run(opened(true), { type: "read", conversationId: "c1", userId: BOB, seq: 5 }).recount).toEqual({});
  });

  it("drops the mark when the provider gives up, and a view of a conversation no longer held is ignored", () => {
    let s = run(listOnly(), live(message(1)), live(deleted(message(1), 2)));
    expect(s.recount).toEqual({ c1: true });
    s = run(s, { type: "recount:abandon", conversationId: "c1" });
    expect(s.recount).toEqual({});
    expect(run(s, { type: "conversation:refreshed", conversation: conversation({ id: "gone" }), since: 0 })).toBe(s);
  });
});

describe("views fetched before live news (the list at connect, conversation:updated)", () => {
  it("keeps the count and last message of live messages that overtook the list they were sent after", () => {
    // the page connects and asks for the list; Bob's two messages arrive live before its answer
    let s = run(listOnly(), live(message(1)), live(message(2)));
    s = run(s, { type: "list:loaded", conversations: [conversation()], since: 0 });
    expect(s.conversations.c1.unreadCount).toBe(2);
    expect(s.conversations.c1.lastMessage?.id).toBe("m2");
    expect(s.conversations.c1.lastSeq).toBe(2);
    // a list taken after them is taken as it is
    s = run(s, { type: "list:loaded", conversations: [conversation({ lastSeq: 3, unreadCount: 3, lastMessage: message(3) })], since: 0 });
    expect(s.conversations.c1.unreadCount).toBe(3);
  });

  it("moves one's own count but not one's member entry on a local read, so markRead still sends it", () => {
    let s = run(listOnly(), live(message(1)), { type: "read", conversationId: "c1", userId: ME, seq: 1, local: true });
    expect(s.conversations.c1.unreadCount).toBe(0);
    expect(s.conversations.c1.members.find((m) => m.id === ME)?.lastReadSeq).toBe(0);
    s = run(s, { type: "read", conversationId: "c1", userId: ME, seq: 1 });
    expect(s.conversations.c1.members.find((m) => m.id === ME)?.lastReadSeq).toBe(1);
  });

  it("takes a stale announcement's title and members but not its count", () => {
    const group = (over: Partial<ConversationView> = {}) => conversation({ kind: "group", title: "Old", ...over });
    let s = run(listOnly(group()), live(message(1)));
    s = run(s, { type: "conversation:upsert", conversation: group({ title: "New" }) });
    expect(s.conversations.c1.title).toBe("New");
    expect(s.conversations.c1.unreadCount).toBe(1);
  });
});

describe("people who leave", () => {
  it("forgets the kept profile of someone who left a conversation, so a deleted account is looked up again", () => {
    const group = (members: ConversationView["members"]) => conversation({ kind: "group", title: "G", members });
    const base = conversation().members;
    const eve = { id: "eve", username: "eve", displayName: "Eve", avatar: null, role: "member" as const, lastReadSeq: 0, online: false };
    let s = run(listOnly(group([...base, eve])), { type: "people:loaded", users: [{ id: "eve", username: "eve", displayName: "Eve", bio: "", avatar: null, createdAt: at(0) }], asked: ["eve"], since: 0 });
    expect(s.people.eve?.displayName).toBe("Eve");
    s = run(s, { type: "conversation:upsert", conversation: group(base) });
    expect("eve" in s.people).toBe(false);
    expect(unknownSenders(s.people, s.conversations.c1, [message(1, { senderId: "eve" })])).toEqual(["eve"]);
  });
});

describe("identities on an open page", () => {
  const bob = (over: Partial<PublicUser> = {}): PublicUser => ({ id: BOB, username: "bob", displayName: "Bob", bio: "", avatar: null, createdAt: at(0), ...over });

  it("renames a person in every conversation on user:updated, and oneself in the shell", () => {
    const group = conversation({ id: "g1", kind: "group", title: "Team" });
    let s = run(initialChatState(ME), { type: "list:loaded", conversations: [conversation(), group], since: 0 });
    s = run(s, { type: "user:updated", user: bob({ displayName: "Robert" }) });
    expect(s.conversations.c1.members.find((m) => m.id === BOB)?.displayName).toBe("Robert");
    expect(s.conversations.g1.members.find((m) => m.id === BOB)?.displayName).toBe("Robert");
    expect(conversationTitle(s.conversations.c1, ME)).toBe("Robert");
    s = run(s, { type: "user:updated", user: { ...bob(), id: ME, username: "me", displayName: "Me Myself" } });
    expect(s.people[ME]?.displayName).toBe("Me Myself");
    // someone the page has never met is not kept (only noted, for a lookup that may be on its way: live-marks.ts)
    const after = run(s, { type: "user:updated", user: bob({ id: "stranger" }) });
    expect(after.people).toBe(s.people);
    expect(after.conversations).toBe(s.conversations);
  });

  it("names senders who left by their looked-up profile, and an account that is gone as null", () => {
    const group = conversation({ id: "g1", kind: "group", title: "Team" });
    let s = run(initialChatState(ME), { type: "list:loaded", conversations: [group], since: 0 });
    const items = [message(1, { conversationId: "g1", senderId: "grace" }), message(2, { conversationId: "g1", senderId: "gone" }), message(3, { conversationId: "g1" })];
    expect(unknownSenders(s.people, s.conversations.g1, items)).toEqual(["grace", "gone"]);
    s = run(s, { type: "people:loaded", users: [bob({ id: "grace", username: "grace", displayName: "Grace Hopper" })], asked: ["grace", "gone"], since: 0 });
    expect(s.people.grace?.displayName).toBe("Grace Hopper");
    expect(s.people.gone).toBeNull();
    expect(unknownSenders(s.people, s.conversations.g1, items)).toEqual([]);
    // a later rename reaches the kept profile too
    s = run(s, { type: "user:updated", user: bob({ id: "grace", username: "grace", displayName: "Amazing Grace" }) });
    expect(s.people.grace?.displayName).toBe("Amazing Grace");
  });

  it("never shows oneself as the other person of a direct conversation whose account was deleted", () => {
    const dm = conversation({ peerDeleted: true, members: [conversation().members[0]] });
    expect(otherMember(dm, ME)).toBeUndefined();
    expect(conversationTitle(dm, ME)).toBe("Deleted user");
  });
});
