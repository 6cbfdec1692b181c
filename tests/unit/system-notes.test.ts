/**
 * Timeline notes in the client: what each says (components/chat/messages/system-note.ts), that they
 * are unread for nobody (the reducer's own counting, components/chat/client/timeline.ts and
 * unread.ts), and that a removal keeps the conversation readable (client/departures.ts).
 */
import { chatReducer } from "@/components/chat/client/reducer";
import { initialChatState, type ChatState } from "@/components/chat/client/state";
import { namedIn } from "@/components/chat/client/people";
import { noteParts, noteText } from "@/components/chat/messages/system-note";
import type { SystemEvent } from "@/lib/messages/types";
import { ADA, C1, directConversation, message, ME } from "../support/chat-fixtures";

const NAMES: Record<string, string> = { ada: "Ada", bob: "Bob", cid: "Cid", dot: "Dot", eve: "Eve" };
const nameOf = (id: string | null) => (id === null ? "Deleted user" : (NAMES[id] ?? "Former member"));
const say = (event: SystemEvent, senderId: string | null, meId = "me") => noteText(noteParts(event, senderId, meId), nameOf);

describe("what a note says", () => {
  test("each change, with the actor first", () => {
    expect(say({ type: "renamed", title: "Compilers" }, "ada")).toBe("Ada renamed the group to “Compilers”");
    expect(say({ type: "members_added", userIds: ["bob"] }, "ada")).toBe("Ada added Bob");
    expect(say({ type: "members_added", userIds: ["bob", "cid"] }, "ada")).toBe("Ada added Bob and Cid");
    expect(say({ type: "members_added", userIds: ["bob", "cid", "dot"] }, "ada")).toBe("Ada added Bob, Cid and Dot");
    expect(say({ type: "members_added", userIds: ["bob", "cid", "dot", "eve"] }, "ada")).toBe("Ada added Bob, Cid and 2 others");
    expect(say({ type: "member_removed", userId: "bob" }, "ada")).toBe("Ada removed Bob");
    expect(say({ type: "member_left", userId: "bob" }, "bob")).toBe("Bob left");
    expect(say({ type: "owner_changed", userId: "cid" }, null)).toBe("Cid is now the owner");
  });

  test("the reader is you; a gone account is Deleted user", () => {
    expect(say({ type: "member_removed", userId: "me" }, "ada")).toBe("Ada removed you");
    expect(say({ type: "members_added", userIds: ["bob", "me"] }, "ada")).toBe("Ada added Bob and you");
    expect(say({ type: "renamed", title: "X" }, "me")).toBe("You renamed the group to “X”");
    expect(say({ type: "member_left", userId: "me" }, "me")).toBe("You left");
    expect(say({ type: "owner_changed", userId: "me" }, null)).toBe("You are now the owner");
    expect(say({ type: "member_left", userId: "gone" }, null)).toBe("Former member left");
    expect(say({ type: "member_removed", userId: "bob" }, null)).toBe("Deleted user removed Bob");
  });

  test("names and the title are parts of their own, so the page can isolate them", () => {
    expect(noteParts({ type: "renamed", title: "\u05e9\u05dc\u05d5\u05dd" }, "ada", "me")).toEqual([{ person: "ada" }, " renamed the group to ", { title: "\u05e9\u05dc\u05d5\u05dd" }]);
    expect(namedIn(message(1, { kind: "system", senderId: ADA, body: "", event: { type: "members_added", userIds: ["bob", "cid"] } }))).toEqual([ADA, "bob", "cid"]);
    expect(namedIn(message(1, { kind: "system", senderId: null, body: "", event: { type: "owner_changed", userId: "cid" } }))).toEqual(["cid"]);
  });
});

describe("notes are unread for nobody", () => {
  const note = (seq: number) => message(seq, { kind: "system", body: "", event: { type: "renamed", title: `t${seq}` } });
  const open = (): ChatState => {
    let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [directConversation(0)], since: 0 });
    s = chatReducer(s, { type: "timeline:loaded", conversationId: C1, messages: [], hasMore: false });
    return s;
  };

  test("a live note in a loaded timeline leaves the count alone; a text message counts", () => {
    let s = chatReducer(open(), { type: "messages", messages: [note(1)] });
    expect(s.conversations[C1]).toMatchObject({ unreadCount: 0, lastSeq: 1 });
    expect(s.conversations[C1].lastMessage?.id).toBe("m1");
    s = chatReducer(s, { type: "messages", messages: [message(2)] });
    expect(s.conversations[C1].unreadCount).toBe(1);
  });

  test("notes from sync, without the timeline loaded, count for nothing and ask for no recount", () => {
    let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [directConversation(0)], since: 0 });
    s = chatReducer(s, { type: "sync", messages: [note(1), note(2)], hasMore: false, ends: {} });
    expect(s.conversations[C1].unreadCount).toBe(0);
    expect(s.recount).toEqual({});
  });

  test("a read inside the loaded page recounts without the notes after it", () => {
    let s = chatReducer(open(), { type: "messages", messages: [message(1), note(2), message(3), note(4)] });
    expect(s.conversations[C1].unreadCount).toBe(2);
    s = chatReducer(s, { type: "read", conversationId: C1, userId: ME, seq: 1, local: true });
    expect(s.conversations[C1].unreadCount).toBe(1);
  });
});

describe("removed by someone", () => {
  test("the conversation leaves the list but what the page held stays, with who removed one; leaving keeps nothing", () => {
    let s = chatReducer(initialChatState(ME), { type: "list:loaded", conversations: [directConversation(0)], since: 0 });
    s = chatReducer(s, { type: "timeline:loaded", conversationId: C1, messages: [message(1)], hasMore: false });
    const removed = chatReducer(s, { type: "conversation:remove", conversationId: C1, removedBy: ADA });
    expect(removed.conversations[C1]).toBeUndefined();
    expect(removed.departed[C1]).toEqual({ conversation: s.conversations[C1], messages: [message(1)], by: ADA });
    expect(chatReducer(s, { type: "conversation:remove", conversationId: C1 }).departed).toEqual({});
  });
});
