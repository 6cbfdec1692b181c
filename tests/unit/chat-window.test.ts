/**
 * The timeline's window of older history (components/chat/client/window.ts; issue 13, items 2 and
 * 9): a page loaded `around` an unloaded message is kept apart from the live run, live messages that
 * come meanwhile land at the live end and are never lost or spliced into the window, the catch-up
 * cursor never moves for a window page, changes reach window messages, and a window that grows to
 * meet the run joins it. Also the pinned count kept from `message:updated`.
 */
import { chatReducer } from "@/components/chat/client/reducer";
import { initialChatState, type ChatState } from "@/components/chat/client/state";
import type { ConversationView } from "@/lib/conversations/types";
import { conversationView, member } from "@/tests/support/chat-fixtures";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

const ME = "me";
const ADA = "ada";

function conversation(over: Partial<ConversationView> = {}): ConversationView {
  return conversationView({ id: "c1", lastSeq: 100, lastReadSeq: 100, members: [member(ME, "Me", { lastReadSeq: 100, online: true }), member(ADA, "Ada", { lastReadSeq: 100 })], ...over });
}

function message(seq: number, over: Partial<MessageView> = {}): MessageView {
  return { ...PLAIN_TEXT, id: `m${seq}`, conversationId: "c1", seq, rev: seq, senderId: ADA, clientId: `client-${seq}`, body: `body ${seq}`, createdAt: new Date(Date.UTC(2026, 2, 1, 11, seq)).toISOString(), editedAt: null, deletedAt: null, ...over };
}
const range = (from: number, to: number, over: Partial<MessageView> = {}) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i, over));

/** 100 messages; the newest 50 loaded (51..100), with older ones on the server. */
function opened(over: Partial<ConversationView> = {}): ChatState {
  let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation(over)], since: 0 });
  s = chatReducer(s, { type: "timeline:loaded", conversationId: "c1", messages: range(51, 100), hasMore: true });
  return s;
}
const around = (s: ChatState, messages: MessageView[], more = { hasMoreBefore: true, hasMoreAfter: true }, focusId: string | null = null) =>
  chatReducer(s, { type: "window:loaded", conversationId: "c1", messages, ...more, focusId });
const seqs = (ms: MessageView[] | undefined) => (ms ?? []).map((m) => m.seq);

describe("the window of older history", () => {
  it("keeps a page around an unloaded message apart from the live run, and never moves the cursor for it", () => {
    let s = opened();
    expect(s.timelines.c1.cursor.synced).toBe(100);
    // message 10 was edited lately (rev 150): the page holding it proves nothing about positions 101..149
    const page = range(1, 20).map((m) => (m.seq === 10 ? { ...m, rev: 150, editedAt: m.createdAt, body: "edited" } : m));
    s = around(s, page, { hasMoreBefore: false, hasMoreAfter: true }, "m10");
    const t = s.timelines.c1;
    expect(seqs(t.window?.items)).toEqual(range(1, 20).map((m) => m.seq));
    expect(t.window).toMatchObject({ hasMoreBefore: false, hasMoreAfter: true, focusId: "m10" });
    expect(seqs(t.items)).toEqual(range(51, 100).map((m) => m.seq));
    expect(t.cursor).toEqual({ synced: 100, ahead: [] });
  });

  it("loses no live message that comes while an old stretch is viewed, and splices none into it", () => {
    let s = around(opened(), range(1, 20));
    s = chatReducer(s, { type: "messages", messages: [message(101), message(102)] });
    let t = s.timelines.c1;
    expect(seqs(t.window?.items)).toEqual(range(1, 20).map((m) => m.seq));
    expect(seqs(t.items).slice(-2)).toEqual([101, 102]);
    expect(t.cursor.synced).toBe(102);
    expect(s.conversations.c1.unreadCount).toBe(2);
    // one out of order waits in the cursor as always
    s = chatReducer(s, { type: "messages", messages: [message(104)] });
    expect(s.timelines.c1.cursor).toEqual({ synced: 102, ahead: [104] });
    // back to the live end: everything that came is there
    s = chatReducer(s, { type: "window:close", conversationId: "c1" });
    t = s.timelines.c1;
    expect(t.window).toBeUndefined();
    expect(seqs(t.items).slice(-3)).toEqual([101, 102, 104]);
  });

  it("applies changes to window messages (live, by sync, or while its page was on the way) without moving the cursor past a gap", () => {
    let s = opened();
    // an edit of message 5 comes while the window page is on its way: kept outside the run
    s = chatReducer(s, { type: "messages", messages: [message(5, { rev: 101, body: "early edit" })] });
    s = around(s, range(1, 20));
    expect(s.timelines.c1.window!.items.find((m) => m.seq === 5)!.body).toBe("early edit");
    s = chatReducer(s, { type: "messages", messages: [message(7, { rev: 102, deletedAt: "2026-03-02T00:00:00.000Z", body: "" })] });
    expect(s.timelines.c1.window!.items.find((m) => m.seq === 7)!.deletedAt).not.toBeNull();
    s = chatReducer(s, { type: "sync", messages: [message(8, { rev: 103, body: "synced edit" })], hasMore: false, ends: { c1: 103 } });
    expect(s.timelines.c1.window!.items.find((m) => m.seq === 8)!.body).toBe("synced edit");
    expect(s.timelines.c1.cursor.synced).toBe(103);
    // the window never holds what lies outside its stretch
    expect(seqs(s.timelines.c1.window!.items)).toEqual(range(1, 20).map((m) => m.seq));
  });

  it("joins the live run once a newer page reaches it, keeping live changes over the page's copies", () => {
    let s = around(opened(), range(11, 30), { hasMoreBefore: true, hasMoreAfter: true });
    s = chatReducer(s, { type: "messages", messages: [message(101), message(60, { rev: 102, body: "edited live" })] });
    s = chatReducer(s, { type: "window:page", conversationId: "c1", direction: "newer", messages: range(31, 50), hasMore: true });
    expect(seqs(s.timelines.c1.window?.items)).toHaveLength(40);
    // this page overlaps the run (51 is in both): one run from 11 to 101, older ones still on the server
    s = chatReducer(s, { type: "window:page", conversationId: "c1", direction: "newer", messages: range(51, 70), hasMore: true });
    const t = s.timelines.c1;
    expect(t.window).toBeUndefined();
    expect(seqs(t.items)).toEqual(range(11, 101).map((m) => m.seq));
    expect(t.items.find((m) => m.seq === 60)!.body).toBe("edited live");
    expect(t.hasOlder).toBe(true);
    expect(t.cursor.synced).toBe(102);
  });

  it("needs no window when the page around a position reaches the loaded run", () => {
    const s = around(opened(), range(40, 60), { hasMoreBefore: true, hasMoreAfter: true });
    const t = s.timelines.c1;
    expect(t.window).toBeUndefined();
    expect(seqs(t.items)).toEqual(range(40, 100).map((m) => m.seq));
  });

  it("grows older pages of the window before it", () => {
    let s = around(opened(), range(21, 30));
    s = chatReducer(s, { type: "window:page", conversationId: "c1", direction: "older", messages: range(11, 20), hasMore: false });
    expect(seqs(s.timelines.c1.window?.items)).toEqual(range(11, 30).map((m) => m.seq));
    expect(s.timelines.c1.window?.hasMoreBefore).toBe(false);
  });
});

describe("the pinned count", () => {
  it("follows pins and unpins of held messages, and asks for a recount when an unheld one changes", () => {
    let s = opened({ pinnedCount: 2 });
    s = chatReducer(s, { type: "messages", messages: [message(90, { rev: 101, pinnedAt: "2026-03-02T00:00:00.000Z", pinnedBy: ADA })] });
    expect(s.conversations.c1.pinnedCount).toBe(3);
    s = chatReducer(s, { type: "messages", messages: [message(90, { rev: 102 })] });
    expect(s.conversations.c1.pinnedCount).toBe(2);
    expect(s.recount.c1).toBeUndefined();
    // message 3 is held nowhere: was it pinned before? only the server can say
    s = chatReducer(s, { type: "messages", messages: [message(3, { rev: 103 })] });
    expect(s.recount.c1).toBe(true);
    expect(s.conversations.c1.pinnedCount).toBe(2);
    s = chatReducer(s, { type: "pins:loaded", conversationId: "c1", count: 1 });
    expect(s.conversations.c1.pinnedCount).toBe(1);
  });
});

describe("the pinned count of a conversation known only from the list", () => {
  it("asks for a recount when an unheld message is left pinned, and not for edits of unpinned ones", () => {
    let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [conversation({ lastMessage: message(100) })], since: 0 });
    s = chatReducer(s, { type: "messages", messages: [message(40, { rev: 101, body: "edited", editedAt: "2026-03-02T00:00:00.000Z" })] });
    expect(s.recount).toEqual({});
    s = chatReducer(s, { type: "messages", messages: [message(41, { rev: 102, pinnedAt: "2026-03-02T00:00:00.000Z", pinnedBy: ADA })] });
    expect(s.recount).toEqual({ c1: true });
    // the last message is held: its pin is counted exactly
    s = chatReducer(s, { type: "messages", messages: [message(100, { rev: 103, pinnedAt: "2026-03-02T00:00:00.000Z", pinnedBy: ADA })] });
    expect(s.conversations.c1.pinnedCount).toBe(1);
  });
});
