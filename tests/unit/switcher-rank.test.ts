/**
 * The Ctrl/Cmd+K switcher's ranking (components/chat/sidebar/switcher-rank.ts, issue 13, item 10):
 * the direct conversation with a person comes before a group that merely contains them, whatever
 * the groups' recency; then names that start with the query, then names that contain it, then
 * groups by their members; within each, the sidebar's order.
 */
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import { rankConversations, SWITCHER_LIMIT } from "@/components/chat/sidebar/switcher-rank";
import { conversationView } from "@/tests/support/chat-fixtures";

const ME = "00000000-0000-4000-8000-000000000001";
let n = 0;
function person(displayName: string, username: string): MemberView {
  n += 1;
  return { id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, username, displayName, avatar: null, role: "member", lastReadSeq: 0, online: false };
}
const me = { ...person("Me Myself", "me_myself"), id: ME };

/** `minutesAgo` sets the last activity, hence the sidebar's order. */
function conversation(kind: "direct" | "group", members: MemberView[], minutesAgo: number, title: string | null = null): ConversationView {
  n += 1;
  const createdAt = new Date(Date.UTC(2026, 2, 1, 12, 0) - minutesAgo * 60_000).toISOString();
  return conversationView({ id: `c-${n}`, kind, title, createdAt, members: [me, ...members] });
}
const byId = (list: ConversationView[]) => Object.fromEntries(list.map((c) => [c.id, c]));
const titles = (list: ConversationView[], query: string) => rankConversations(byId(list), ME, query).map((m) => m.title);

const ada = person("Ada Lovelace", "ada");
const adam = person("Adam Smith", "adam_s");
const bob = person("Bob Babbage", "bob");
const zoe = person("Zoë Ørsted", "zoe");

describe("rankConversations", () => {
  // the groups with Ada are more recent than the direct conversation with her
  const list = [
    conversation("group", [ada, bob], 1, "Engine room"),
    conversation("group", [adam, bob], 2, "Smithy"),
    conversation("direct", [bob], 3),
    conversation("direct", [adam], 4),
    conversation("direct", [ada], 50),
    conversation("group", [bob], 60, "Ada fan club"),
    conversation("direct", [zoe], 70),
  ];

  it("puts the direct conversation with a person above a group that merely contains them", () => {
    expect(titles(list, "ada")[0]).toBe("Ada Lovelace");
    expect(titles(list, "Ada Lovelace")[0]).toBe("Ada Lovelace");
    expect(titles(list, "@ada")[0]).toBe("Ada Lovelace");
    expect(titles(list, "  ADA  ")[0]).toBe("Ada Lovelace");
    const order = titles(list, "ada");
    expect(order.indexOf("Ada Lovelace")).toBeLessThan(order.indexOf("Engine room"));
  });

  it("ranks exact, then starts-with (a name or a word of it), then contains, then groups by their members", () => {
    // exact (Ada's username) · starts with: "Adam Smith", "Ada fan club" in sidebar order · members: Engine room (Ada), Smithy (Adam)
    expect(titles(list, "ada")).toEqual(["Ada Lovelace", "Adam Smith", "Ada fan club", "Engine room", "Smithy"]);
    // a word that starts with it · a name that contains it
    expect(titles(list, "love")).toEqual(["Ada Lovelace", "Engine room"]);
    expect(titles(list, "velace")).toEqual(["Ada Lovelace", "Engine room"]);
    // the direct conversation with Bob first, then the groups he is in, most recent first
    expect(titles(list, "bob")).toEqual(["Bob Babbage", "Engine room", "Smithy", "Ada fan club"]);
  });

  it("never matches a conversation by one's own name (one is in all of them)", () => {
    expect(titles(list, "myself")).toEqual([]);
    expect(titles(list, "me_myself")).toEqual([]);
  });

  it("compares as names are compared: case, accents and spacing aside", () => {
    expect(titles(list, "zoe  ørsted")).toEqual(["Zoë Ørsted"]);
    expect(titles(list, "ZOË")).toEqual(["Zoë Ørsted"]);
    expect(titles(list, "Zoe")).toEqual(["Zoë Ørsted"]);
  });

  it("lists everything in the sidebar's order for an empty query, at most SWITCHER_LIMIT", () => {
    expect(titles(list, "")).toEqual(["Engine room", "Smithy", "Bob Babbage", "Adam Smith", "Ada Lovelace", "Ada fan club", "Zoë Ørsted"]);
    const many = Array.from({ length: SWITCHER_LIMIT + 3 }, (_, i) => conversation("group", [bob], i, `Group ${i}`));
    expect(rankConversations(byId(many), ME, "")).toHaveLength(SWITCHER_LIMIT);
    expect(rankConversations(byId(many), ME, "group").map((m) => m.title)).toEqual(many.slice(0, SWITCHER_LIMIT).map((c) => c.title));
  });
});
