/**
 * Fetched answers against live news (components/chat/client/live-marks.ts): the client, driven
 * through a scripted socket and a REST api whose answers the test releases, takes a live event that
 * came while an answer was on its way over that (older) answer — the kind behind a header stuck at
 * "3 members" after a removal that happened while the list was being fetched on connect.
 */
import type { ChatApi } from "@/components/chat/client/api";
import { createChatClient, type ChatClient } from "@/components/chat/client/client";
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import type { PublicUser } from "@/lib/people/types";
import { ADA, ME, groupConversation } from "@/tests/support/chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

const GRACE = "44444444-4444-4444-8444-444444444444";
const OTHER = "66666666-6666-4666-8666-666666666666";

const person = (id: string, displayName: string, over: Partial<MemberView> = {}): MemberView => ({
  id,
  username: displayName.toLowerCase().replace(/ /g, "_"),
  displayName,
  avatar: null,
  role: "member",
  lastReadSeq: 0,
  online: false,
  ...over,
});
const me = person(ME, "Me", { role: "owner" });
const ada = person(ADA, "Ada Lovelace");
const grace = person(GRACE, "Grace Hopper");
const team = (members: MemberView[], over: Partial<ConversationView> = {}): ConversationView => ({ ...groupConversation(members, "owner"), ...over });
const TEAM = team([]).id;
const other = (): ConversationView => ({ ...team([me, ada]), id: OTHER, title: "Other" });
const profile = (m: MemberView, over: Partial<PublicUser> = {}): PublicUser => ({ id: m.id, username: m.username, displayName: m.displayName, avatar: null, bio: "", createdAt: "2026-03-01T10:00:00.000Z", ...over });

/** A promise the test resolves when it chooses: an answer on its way. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

let socket: ScriptedSocket;
let client: ChatClient;
let lists: ReturnType<typeof deferred<{ conversations: ConversationView[] }>>[];
let gets: ReturnType<typeof deferred<{ conversation: ConversationView }>>[];
let renames: ReturnType<typeof deferred<{ conversation: ConversationView }>>[];
let lookups: ReturnType<typeof deferred<{ users: PublicUser[] }>>[];

beforeEach(() => {
  lists = [];
  gets = [];
  renames = [];
  lookups = [];
  const answer = <T>(queue: ReturnType<typeof deferred<T>>[]) => () => {
    const d = deferred<T>();
    queue.push(d);
    return d.promise;
  };
  const api = {
    listConversations: answer(lists),
    getConversation: answer(gets),
    rename: answer(renames),
    lookupUsers: answer(lookups),
  } as unknown as ChatApi;
  client = createChatClient({
    meId: ME,
    api,
    navigation: fakeNavigation(),
    initialConversations: [team([me, ada, grace]), other()],
    connect: () => (socket = new ScriptedSocket()).asSocket(),
  });
  client.start();
});
afterEach(() => client.stop());

const held = (id = TEAM) => client.getState().conversations[id];

/** Connects: the client fetches the list again, and that answer is held back until the test gives it. */
async function connectWithListOnItsWay() {
  socket.fire("connect");
  await settle();
  expect(lists).toHaveLength(1);
  return lists[0];
}

describe("an answer fetched before live news does not undo it", () => {
  it("keeps a removal of a member that came while the list was on its way", async () => {
    const list = await connectWithListOnItsWay();
    socket.fire("conversation:updated", team([me, ada]));
    expect(held().members).toHaveLength(2);
    list.resolve({ conversations: [team([me, ada, grace]), other()] }); // taken before the removal
    await settle();
    expect(held().members.map((m) => m.id)).toEqual([ME, ADA]);
    expect(client.getState().listStatus).toBe("ready");
  });

  it("keeps a conversation away that this user was removed from meanwhile, and one joined meanwhile in", async () => {
    const list = await connectWithListOnItsWay();
    socket.fire("conversation:removed", { conversationId: OTHER });
    const joined = { ...team([me, ada]), id: "77777777-7777-4777-8777-777777777777", title: "New" };
    socket.fire("conversation:new", joined);
    list.resolve({ conversations: [team([me, ada, grace]), other()] });
    await settle();
    expect(Object.keys(client.getState().conversations).sort()).toEqual([TEAM, joined.id].sort());
  });

  it("takes a list that left after the news whole: the news it already has, and removals", async () => {
    socket.fire("connect");
    await settle();
    socket.fire("conversation:updated", team([me, ada]));
    lists[0].resolve({ conversations: [team([me, ada]), other()] });
    await settle();
    // a second fetch that leaves now, after the news, is the newest word: it drops OTHER, renames TEAM
    void client.actions.refreshList();
    lists[1].resolve({ conversations: [team([me, ada], { title: "Renamed" })] });
    await settle();
    expect(Object.keys(client.getState().conversations)).toEqual([TEAM]);
    expect(held().title).toBe("Renamed");
  });

  it("keeps a new name and presence that came while the list was on its way", async () => {
    const list = await connectWithListOnItsWay();
    socket.fire("user:updated", profile(ada, { displayName: "Ada King" }));
    socket.fire("presence", { userId: GRACE, online: true });
    list.resolve({ conversations: [team([me, ada, grace]), other()] });
    await settle();
    const byId = (c: ConversationView, id: string) => c.members.find((m) => m.id === id)!;
    expect(byId(held(), ADA).displayName).toBe("Ada King");
    expect(byId(held(OTHER), ADA).displayName).toBe("Ada King");
    expect(byId(held(), GRACE).online).toBe(true);
  });

  it("keeps another member's read position that a live read moved on", async () => {
    const list = await connectWithListOnItsWay();
    socket.fire("read", { conversationId: TEAM, userId: ADA, seq: 0 });
    socket.fire("message:new", { ...messageOf(1) });
    socket.fire("read", { conversationId: TEAM, userId: ADA, seq: 1 });
    list.resolve({ conversations: [team([me, ada, grace]), other()] }); // Ada's read position there is 0
    await settle();
    expect(held().members.find((m) => m.id === ADA)!.lastReadSeq).toBe(1);
  });

  it("keeps a live title over the late answer to one's own rename", async () => {
    socket.fire("connect");
    await settle();
    lists[0].resolve({ conversations: [team([me, ada, grace]), other()] });
    await settle();
    const renaming = client.actions.rename(TEAM, "Mine");
    socket.fire("conversation:updated", team([me, ada, grace], { title: "Mine" }));
    socket.fire("conversation:updated", team([me, ada, grace], { title: "Theirs, after" }));
    renames[0].resolve({ conversation: team([me, ada, grace], { title: "Mine" }) });
    await renaming;
    expect(held().title).toBe("Theirs, after");
  });

  it("keeps a live profile over a lookup answered before it", async () => {
    const stranger = person("88888888-8888-4888-8888-888888888888", "Old Name");
    client.actions.lookupPeople([stranger.id]);
    await new Promise((r) => setTimeout(r, 60)); // the lookup's gathering window
    expect(lookups).toHaveLength(1);
    socket.fire("user:updated", profile(stranger, { displayName: "New Name" }));
    lookups[0].resolve({ users: [profile(stranger)] });
    await settle();
    expect(client.getState().people[stranger.id]?.displayName).toBe("New Name");
  });
});

function messageOf(seq: number) {
  return { id: `m${seq}`, conversationId: TEAM, seq, rev: seq, senderId: ADA, clientId: `k${seq}`, body: "hi", createdAt: "2026-03-01T11:00:00.000Z", editedAt: null, deletedAt: null };
}
