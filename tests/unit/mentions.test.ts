/**
 * Mentions and notification levels in the client (issue 13, items 4 and 5): the live mention count
 * (`unreadMentions`) beside the unread count, the sidebar's badges and the title's total by level,
 * the desktop-notification decision, the composer's autocomplete and the highlighting of bodies
 * (read with the server's own rules, so nothing inside code is a mention).
 */
import { conversationBadge } from "@/components/chat/client/badges";
import { shouldNotify } from "@/components/chat/client/desktop-notifications";
import { desktopNotificationState, desktopNotificationsWanted, DESKTOP_NOTIFICATIONS_KEY, setDesktopNotificationsWanted } from "@/components/chat/client/notification-preference";
import { chatReducer } from "@/components/chat/client/reducer";
import { unreadTotal } from "@/components/chat/client/selectors";
import { initialChatState, type ChatAction, type ChatState } from "@/components/chat/client/state";
import { insertMention, matchCandidates, mentionQuery, needsAllConfirmation, ALL_CANDIDATE } from "@/components/chat/conversation/mention-autocomplete";
import { findMentions, mentionParts } from "@/components/chat/messages/mention-parts";
import type { ConversationView } from "@/lib/conversations/types";
import { expectedMentions, MENTION_ALL } from "@/lib/messages/rules";
import { conversationView, member } from "@/tests/support/chat-fixtures";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

const ME = "me";
const BOB = "bob";
const CY = "cy";
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 11, minute)).toISOString();

function conversation(over: Partial<ConversationView> = {}): ConversationView {
  return conversationView({ id: "c1", kind: "group", title: "Team", createdAt: at(0), role: "owner", members: [member(ME, "Me", { role: "owner", online: true }), member(BOB, "Bob Babbage", { username: "bob", online: true }), member(CY, "Cy Twombly", { username: "cy", online: true })], ...over });
}
function message(seq: number, over: Partial<MessageView> = {}): MessageView {
  return { ...PLAIN_TEXT, id: `m${seq}`, conversationId: "c1", seq, rev: seq, senderId: BOB, clientId: `k${seq}`, body: `hi ${seq}`, createdAt: at(seq), editedAt: null, deletedAt: null, ...over };
}
const run = (s: ChatState, ...actions: ChatAction[]) => actions.reduce(chatReducer, s);
const live = (...messages: MessageView[]): ChatAction => ({ type: "messages", messages });
const listOnly = (c = conversation()) => run(initialChatState(ME), { type: "list:loaded", conversations: [c], since: 0 });
const opened = (c = conversation(), messages: MessageView[] = []) => run(listOnly(c), { type: "timeline:loaded", conversationId: c.id, messages, hasMore: false });

describe("unreadMentions on an open page", () => {
  it("counts a live message from someone else that mentions me or everyone, not others' mentions, my own or system notes", () => {
    let s = run(listOnly(), live(message(1, { mentions: [ME] })), live(message(2, { mentions: [CY] })), live(message(3, { mentions: [CY, "all"] })));
    expect(s.conversations.c1).toMatchObject({ unreadCount: 3, unreadMentions: 2 });
    s = run(s, live(message(4, { kind: "system", body: "", mentions: [ME] })));
    expect(s.conversations.c1.unreadMentions).toBe(2);
    // a repeat (sync after live) is counted once
    s = run(s, { type: "sync", messages: [message(1, { mentions: [ME] }), message(3, { mentions: ["all"] })], hasMore: false, ends: {} });
    expect(s.conversations.c1.unreadMentions).toBe(2);
    // my own message reads everything before it, mentions of me included (and never counts itself)
    s = run(s, live(message(5, { senderId: ME, mentions: [ME] })));
    expect(s.conversations.c1).toMatchObject({ unreadCount: 0, unreadMentions: 0 });
  });

  it("zeroes with a read of everything, and counts what stays unread after a read inside the loaded page", () => {
    const held = [message(1, { mentions: [ME] }), message(2), message(3, { mentions: ["all"] })];
    let s = opened(conversation({ lastSeq: 3, unreadCount: 3, unreadMentions: 2, lastMessage: held[2] }), held);
    s = run(s, { type: "read", conversationId: "c1", userId: ME, seq: 1 });
    expect(s.conversations.c1).toMatchObject({ unreadCount: 2, unreadMentions: 1 });
    s = run(s, { type: "read", conversationId: "c1", userId: ME, seq: 3 });
    expect(s.conversations.c1).toMatchObject({ unreadCount: 0, unreadMentions: 0 });
  });

  it("follows an edit or a deletion of an unread message held, and asks the server when it cannot tell", () => {
    const held = [message(1), message(2, { mentions: [ME] })];
    let s = opened(conversation({ lastSeq: 2, unreadCount: 2, unreadMentions: 1, lastMessage: held[1] }), held);
    s = run(s, live({ ...held[0], rev: 3, body: "hi @me", mentions: [ME], editedAt: at(3) }));
    expect(s.conversations.c1).toMatchObject({ unreadCount: 2, unreadMentions: 2 });
    s = run(s, live({ ...held[1], rev: 4, body: "", mentions: [], deletedAt: at(4) }));
    expect(s.conversations.c1).toMatchObject({ unreadCount: 1, unreadMentions: 1 });
    expect(s.recount).toEqual({});
    // not open: an edit that names me may have added a mention, or not (the old version is not held)
    let t = run(listOnly(conversation({ lastSeq: 2, unreadCount: 2, lastMessage: message(2) })), live({ ...message(1), rev: 3, mentions: [ME], editedAt: at(3) }));
    expect(t.recount).toEqual({ c1: true });
    // an edit naming nobody, with no mention unread, cannot change the count: nothing to ask
    t = run(listOnly(conversation({ lastSeq: 2, unreadCount: 2, lastMessage: message(2) })), live({ ...message(1), rev: 3, editedAt: at(3) }));
    expect(t.recount).toEqual({});
  });

  it("keeps its live count over a stale view, and takes a fresh view's", () => {
    let s = run(listOnly(conversation({ lastSeq: 1, unreadCount: 1, lastMessage: message(1) })), live(message(2, { mentions: [ME] })));
    expect(s.conversations.c1.unreadMentions).toBe(1);
    // a list fetched before message 2 (lastSeq 1) would undo it
    s = run(s, { type: "list:loaded", conversations: [conversation({ lastSeq: 1, unreadCount: 1, unreadMentions: 0, lastMessage: message(1) })], since: 0 });
    expect(s.conversations.c1).toMatchObject({ unreadCount: 2, unreadMentions: 1 });
    s = run(s, { type: "list:loaded", conversations: [conversation({ lastSeq: 3, unreadCount: 3, unreadMentions: 2, lastMessage: message(3) })], since: 0 });
    expect(s.conversations.c1).toMatchObject({ unreadCount: 3, unreadMentions: 2 });
  });

  it("takes one's notification level from a live view over a list fetched before it", () => {
    let s = listOnly();
    const asked = s.marks.clock;
    s = run(s, { type: "conversation:upsert", conversation: conversation({ notifications: "none" }) });
    s = run(s, { type: "list:loaded", conversations: [conversation({ notifications: "all" })], since: asked });
    expect(s.conversations.c1.notifications).toBe("none");
  });
});

describe("badges and the title's total by notification level", () => {
  it("shows the count and an @ badge; muted shows no count, only a dot for mentions; nothing for the open one", () => {
    expect(conversationBadge({ unreadCount: 5, unreadMentions: 2, notifications: "all" })).toEqual({ unread: "5", mentions: "2", dot: false });
    expect(conversationBadge({ unreadCount: 5, unreadMentions: 0, notifications: "mentions" })).toEqual({ unread: "5", mentions: null, dot: false });
    expect(conversationBadge({ unreadCount: 150, unreadMentions: 120, notifications: "all" })).toEqual({ unread: "99+", mentions: "99+", dot: false });
    expect(conversationBadge({ unreadCount: 5, unreadMentions: 1, notifications: "none" })).toEqual({ unread: null, mentions: null, dot: true });
    expect(conversationBadge({ unreadCount: 5, unreadMentions: 0, notifications: "none" })).toEqual({ unread: null, mentions: null, dot: false });
    expect(conversationBadge({ unreadCount: 5, unreadMentions: 1, notifications: "all" }, true)).toEqual({ unread: null, mentions: null, dot: false });
  });

  it("leaves muted conversations out of the unread total", () => {
    const s = run(initialChatState(ME), {
      type: "list:loaded",
      since: 0,
      conversations: [conversation({ id: "a", unreadCount: 2 }), conversation({ id: "b", unreadCount: 3, notifications: "mentions" }), conversation({ id: "c", unreadCount: 7, unreadMentions: 1, notifications: "none" })],
    });
    expect(unreadTotal(s)).toBe(5);
  });
});

describe("desktop notifications by level", () => {
  const state = (notifications: ConversationView["notifications"]) => listOnly(conversation({ notifications }));
  it("all: every message from others; mentions: only those naming me or everyone; none: nothing; never one's own", () => {
    const plain = message(1);
    const mine = message(2, { mentions: [ME] });
    const everyone = message(3, { mentions: ["all"] });
    const other = message(4, { mentions: [CY] });
    expect([plain, mine, everyone, other].map((m) => shouldNotify(m, state("all")))).toEqual([true, true, true, true]);
    expect([plain, mine, everyone, other].map((m) => shouldNotify(m, state("mentions")))).toEqual([false, true, true, false]);
    expect([plain, mine, everyone, other].map((m) => shouldNotify(m, state("none")))).toEqual([false, false, false, false]);
    expect(shouldNotify(message(5, { senderId: ME, mentions: [ME] }), state("all"))).toBe(false);
  });

  it("keeps 'off' for this device, and says on, off or blocked", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    expect(desktopNotificationsWanted(storage)).toBe(true);
    setDesktopNotificationsWanted(false, storage);
    expect(store.get(DESKTOP_NOTIFICATIONS_KEY)).toBe("off");
    expect(desktopNotificationsWanted(storage)).toBe(false);
    setDesktopNotificationsWanted(true, storage);
    expect(desktopNotificationsWanted(storage)).toBe(true);
    expect(desktopNotificationState("granted", true)).toBe("on");
    expect(desktopNotificationState("granted", false)).toBe("off");
    expect(desktopNotificationState("default", true)).toBe("off");
    expect(desktopNotificationState("denied", true)).toBe("blocked");
    expect(desktopNotificationState("unsupported", true)).toBe("unsupported");
  });
});

describe("the composer's @ autocomplete", () => {
  const people = conversation().members;
  it("finds the name being typed at the caret, not in an address, a path or code", () => {
    expect(mentionQuery("hi @bo", 6)).toEqual({ start: 3, end: 6, query: "bo" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, end: 1, query: "" });
    expect(mentionQuery("hi @bo there", 6)).toEqual({ start: 3, end: 6, query: "bo" });
    expect(mentionQuery("hi @bob there", 5)).toEqual({ start: 3, end: 7, query: "b" });
    expect(mentionQuery("mail a@bo", 9)).toBeNull();
    expect(mentionQuery("see /@bo", 8)).toBeNull();
    expect(mentionQuery("hi @bo x", 8)).toBeNull();
    expect(mentionQuery("run `@bo` now", 8)).toBeNull();
    expect(mentionQuery("```\n@bo", 7)).toBeNull();
  });

  it("matches usernames and display names in any case, usernames first, without me; @all only in groups", () => {
    // "bob" starts with it; "Cy Twombly" only contains it
    expect(matchCandidates(people, "B", { meId: ME, offerAll: true }).map((c) => c.id)).toEqual([BOB, CY]);
    expect(matchCandidates(people, "BABB", { meId: ME, offerAll: true }).map((c) => c.id)).toEqual([BOB]);
    expect(matchCandidates(people, "twom", { meId: ME, offerAll: true }).map((c) => c.id)).toEqual([CY]);
    expect(matchCandidates(people, "", { meId: ME, offerAll: true }).map((c) => c.id)).toEqual(["all", BOB, CY]);
    expect(matchCandidates(people, "", { meId: ME, offerAll: false }).map((c) => c.id)).toEqual([BOB, CY]);
    expect(matchCandidates(people, "me", { meId: ME, offerAll: false })).toEqual([]);
    expect(matchCandidates(people, "he", { meId: ME, offerAll: true })).toEqual([ALL_CANDIDATE]);
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `u${i}`, username: `ann${i}`, displayName: "Ann" }));
    expect(matchCandidates(many, "ann", { meId: ME, offerAll: false })).toHaveLength(8);
  });

  it("inserts @username and one space, replacing what was typed of the name", () => {
    expect(insertMention("hi @bo", { start: 3, end: 6, query: "bo" }, "bob")).toEqual({ text: "hi @bob ", caret: 8 });
    expect(insertMention("hi @b there", { start: 3, end: 5, query: "b" }, "bob")).toEqual({ text: "hi @bob there", caret: 8 });
  });

  it("asks before @all or @here goes to a group of more than 10, outside code only", () => {
    expect(needsAllConfirmation("@all meeting", "group", 11)).toBe(true);
    expect(needsAllConfirmation("hey @HERE", "group", 11)).toBe(true);
    expect(needsAllConfirmation("@all meeting", "group", 10)).toBe(false);
    expect(needsAllConfirmation("`@all` is how", "group", 50)).toBe(false);
    expect(needsAllConfirmation("@alligator", "group", 50)).toBe(false);
  });
});

describe("mention highlighting (mention-parts)", () => {
  const ctx = { meId: ME, ids: { me: ME, bob: BOB, cy: CY } };
  it("splits a body into text and the mentions the server resolved, mine marked, any letter case", () => {
    expect(mentionParts("hi @ME and @Bob!", findMentions("hi @ME and @Bob!", [ME, BOB], ctx))).toEqual([
      { kind: "text", text: "hi " },
      { kind: "mention", text: "@ME", of: "me", all: false, userId: ME },
      { kind: "text", text: " and " },
      { kind: "mention", text: "@Bob", of: "other", all: false, userId: BOB },
      { kind: "text", text: "!" },
    ]);
    // @here is @all, which includes the reader
    expect(mentionParts("@here now", findMentions("@here now", ["all"], ctx))[0]).toEqual({ kind: "mention", text: "@here", of: "me", all: true, userId: null });
  });

  it("leaves plain what is inside code, unresolved names, addresses and names that were no member", () => {
    const body = "`@bob` and\n```\n@cy\n```\nmail a@bob.example, @nobody, @cy";
    const parts = mentionParts(body, findMentions(body, [BOB, CY], ctx));
    expect(parts.filter((p) => p.kind === "mention").map((p) => p.text)).toEqual(["@cy"]);
    expect(parts.map((p) => p.text).join("")).toBe(body);
    // the server did not resolve @bob (not a member when sent): plain
    expect(mentionParts("@bob", findMentions("@bob", [], ctx))).toEqual([{ kind: "text", text: "@bob" }]);
  });

  it("splits a run of the body at its offset with the whole body's spans (code around the run counts)", () => {
    const body = "`x http://a.example @bob` then @bob";
    const spans = findMentions(body, [BOB], ctx);
    expect(spans).toHaveLength(1);
    const runStart = body.indexOf(" @bob`");
    const run = body.slice(runStart); // a text run after a link, inside the code span's end
    expect(mentionParts(run, spans, runStart).filter((p) => p.kind === "mention")).toHaveLength(1);
    expect(mentionParts(run, spans, runStart).map((p) => p.text).join("")).toBe(run);
    // read on its own, the run would wrongly see "@bob`" as a mention outside code
    expect(findMentions(run, [BOB], ctx)).toHaveLength(2);
  });
});

describe("the mentions a message shows while it waits for its ack (expectedMentions)", () => {
  const members = [member(ME, "Me"), member(BOB, "Bob Babbage", { username: "bob" }), member(CY, "Cy Twombly", { username: "Cy_T" })];

  it("names the members mentioned, in any letter case, then @all (or @here) last, each once", () => {
    expect(expectedMentions("@BOB and @cy_t, @here and @bob again", members)).toEqual([BOB, CY, MENTION_ALL]);
    expect(expectedMentions("@all", members)).toEqual([MENTION_ALL]);
  });

  it("leaves out names that are no member, and anything inside code, as the server does", () => {
    expect(expectedMentions("@stranger `@bob` and\n```\n@cy_t\n```", members)).toEqual([]);
    expect(expectedMentions("nobody named", members)).toEqual([]);
  });
});
