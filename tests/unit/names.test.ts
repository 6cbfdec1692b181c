import { conversationHandles, handlesToShow, previewSender } from "@/components/chat/client/names";
import type { ConversationView, MemberView } from "@/lib/conversations/types";

const person = (id: string, username: string, displayName: string) => ({ id, username, displayName });

describe("handlesToShow", () => {
  it("gives both members who share a name their @username, and no one else", () => {
    const people = [person("1", "ada", "Ada"), person("2", "ada_x", "Ada"), person("3", "bob", "Bob")];
    expect(handlesToShow(people)).toEqual({ "1": "ada", "2": "ada_x" });
  });

  it.each([
    ["letter case", "ADA"],
    ["surrounding and doubled spaces", "  Ada "],
    ["a zero-width space", "A\u200bda"],
    ["fullwidth letters (NFKC)", "Ａｄａ"],
    ["a Cyrillic look-alike", "Аda"],
    ["a Latin alpha", "Adɑ"],
    ["Cherokee and Greek capitals", "ᎪᎠΑ"],
    ["Latin small capitals", "ᴀᴅᴀ"],
    ["a combining mark", "A\u0323da"],
    ["trailing punctuation", "Ada."],
  ])("counts names that differ only by %s as the same", (_what, twin) => {
    expect(handlesToShow([person("1", "ada", "Ada"), person("2", "ada_x", twin)])).toEqual({ "1": "ada", "2": "ada_x" });
  });

  it("shows no handle for distinct names", () => {
    expect(handlesToShow([person("1", "ada", "Ada"), person("2", "ada_l", "Ada Lovelace"), person("3", "bob", "Bob")])).toEqual({});
  });

  it("always shows the handle of a name stored before the rules: a UI label, bidi controls, nothing visible", () => {
    const people = [person("1", "mallory", "deleted user"), person("2", "eve", "\u202eEve"), person("3", "blank", "\u3164"), person("4", "bob", "Bob")];
    expect(handlesToShow(people)).toEqual({ "1": "mallory", "2": "eve", "3": "blank" });
  });

  it("always shows the handle of a stored name with an implicit direction mark, a line separator, private use or only marks", () => {
    const people = [person("1", "rlm", "Eve\u200f"), person("2", "ls", "Ada\u2028Admin"), person("3", "pua", "\ue000"), person("4", "marks", "\u0301\u0301"), person("5", "bob", "Bob")];
    expect(handlesToShow(people)).toEqual({ "1": "rlm", "2": "ls", "3": "pua", "4": "marks" });
  });

  it("compares entries without a username but never gives them a handle", () => {
    expect(handlesToShow([{ id: "g", displayName: "Ada" }, person("1", "ada", "Ada")])).toEqual({ "1": "ada" });
  });
});

function member(id: string, username: string, displayName: string): MemberView {
  return { id, username, displayName, avatar: null, role: "member", lastReadSeq: 0, online: false };
}
function conversation(id: string, kind: "direct" | "group", members: MemberView[], title: string | null = null): ConversationView {
  return { id, kind, title, createdAt: "2026-01-01T00:00:00.000Z", lastSeq: 0, members, role: "member", lastReadSeq: 0, unreadCount: 0, unreadMentions: 0, notifications: "all", pinnedCount: 0, lastMessage: null, peerDeleted: false };
}

describe("conversationHandles", () => {
  const me = member("me", "me", "Me");
  it("tells apart direct conversations with two people of one name, and leaves the rest alone", () => {
    const list = [
      conversation("c1", "direct", [me, member("a1", "ada", "Ada")]),
      conversation("c2", "direct", [me, member("a2", "ada_x", "ada")]),
      conversation("c3", "direct", [me, member("b", "bob", "Bob")]),
      conversation("g1", "group", [me, member("b", "bob", "Bob")], "Ada"),
    ];
    expect(conversationHandles(list, "me")).toEqual({ c1: "ada", c2: "ada_x" });
  });
});

describe("previewSender", () => {
  it("names the sender by first name when that is unique among the members", () => {
    expect(previewSender([person("1", "ada", "Ada Lovelace"), person("2", "bob", "Bob Babbage")], "1")).toEqual({ name: "Ada", handle: undefined });
  });
  it("uses the whole name when another member's name starts with the same word", () => {
    expect(previewSender([person("1", "ada", "Ada Lovelace"), person("2", "ada_b", "Ada Byron")], "1")).toEqual({ name: "Ada Lovelace", handle: undefined });
  });
  it("adds the handle to the first name when another member has the same name", () => {
    expect(previewSender([person("1", "ada", "Ada Lovelace"), person("2", "ada_x", "ada lovelace")], "2")).toEqual({ name: "ada", handle: "ada_x" });
  });
  it("knows no sender who is not a member", () => {
    expect(previewSender([person("1", "ada", "Ada")], "9")).toBeUndefined();
  });
});
