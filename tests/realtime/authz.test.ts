/**
 * The authorisation matrix over Socket.IO: the handshake without a live session, every client event
 * from callers outside the group (or not the author), and every piece of conversation traffic that
 * must stop at the group's edge. A refused event is answered ok:false with the error code, stores
 * nothing and is relayed to no one. The HTTP side is tests/integration/authz.test.ts.
 */
import { randomUUID } from "node:crypto";
import { CLIENT_EVENTS, type ClientToServerEvents, type ServerToClientEvents } from "@/lib/realtime/contract";
import { closeTestSql, request, signIn, signOut } from "../support/api";
import { dbState, expectNoLeak, FORGED_SESSION_COOKIE } from "../support/authz";
import { chatUser, createGroup, eventually, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets, connected, connectSocket, type ClientSocket } from "../support/sockets";

afterAll(() => {
  closeAllSockets();
  return closeTestSql();
});

/** Outside the group: never in it, or removed by the owner (their socket from before stays open). In it, but not the author: member. */
type Actor = "stranger" | "removed" | "member";
/** A refusal's error code, or "self": answered, about the caller only. Actors left out may do it. */
type Cell = "not_found" | "forbidden" | "self";

interface Fixture {
  owner: ChatUser;
  member: ChatUser;
  bystander: ChatUser;
  removed: ChatUser;
  stranger: ChatUser;
  /** the removed member's socket opened after the removal */
  removedLater: ClientSocket;
  signedOutCookie: string;
  groupId: string;
  title: string;
  ownerMessageId: string;
  /** what the removed member wrote while still a member */
  removedMessageId: string;
  secrets: string[];
}

interface EventRow {
  cells: Partial<Record<Actor, Cell>>;
  payload?: (f: Fixture, actor: Actor) => unknown;
}

/** The removed member goes for their own old message: authorship alone must not be enough. */
const targetMessage = (f: Fixture, actor: Actor) => (actor === "removed" ? f.removedMessageId : f.ownerMessageId);

// One row per client event (the type makes a missing one a compile error; the last test checks the runtime list).
// prettier-ignore
const EVENTS: { [E in keyof ClientToServerEvents]: EventRow } = {
  "message:send":      { cells: { stranger: "not_found", removed: "not_found" },
                         payload: (f) => ({ conversationId: f.groupId, clientId: randomUUID(), body: "let me in" }) },
  "message:edit":      { cells: { stranger: "not_found", removed: "not_found", member: "forbidden" },
                         payload: (f, actor) => ({ messageId: targetMessage(f, actor), body: "rewritten" }) },
  "message:delete":    { cells: { stranger: "not_found", removed: "not_found", member: "forbidden" },
                         payload: (f, actor) => ({ messageId: targetMessage(f, actor) }) },
  "reaction:add":      { cells: { stranger: "not_found", removed: "not_found" },
                         payload: (f, actor) => ({ messageId: targetMessage(f, actor), emoji: "👍" }) },
  "reaction:remove":   { cells: { stranger: "not_found", removed: "not_found" },
                         payload: (f, actor) => ({ messageId: targetMessage(f, actor), emoji: ":+1:" }) },
  // any member may pin any message; the removed member's own old message is out of reach too
  "message:pin":       { cells: { stranger: "not_found", removed: "not_found" },
                         payload: (f, actor) => ({ messageId: targetMessage(f, actor), pinned: true }) },
  sync:                { cells: { stranger: "not_found", removed: "not_found" },
                         payload: (f) => ({ since: { [f.groupId]: 0 } }) },
  "conversation:read": { cells: { stranger: "not_found", removed: "not_found" },
                         payload: (f) => ({ conversationId: f.groupId, seq: 1 }) },
  typing:              { cells: { stranger: "not_found", removed: "not_found" },
                         payload: (f) => ({ conversationId: f.groupId, typing: true }) },
  ping:                { cells: { stranger: "self", removed: "self", member: "self" } },
};

/**
 * What the group's members hear, and how to make it happen; a string says why an event is not
 * conversation traffic (it goes to one user's or one session's own room).
 */
// prettier-ignore
const TRAFFIC: { [E in keyof ServerToClientEvents]: ((f: Fixture) => Promise<unknown>) | string } = {
  "message:new":          (f) => send(f.owner, f.groupId, "after the removal"),
  "message:updated":      (f) => f.owner.socket.timeout(5000).emitWithAck("message:edit", { messageId: f.ownerMessageId, body: "edited after the removal" }),
  typing:                 (f) => f.owner.socket.timeout(5000).emitWithAck("typing", { conversationId: f.groupId, typing: true }),
  read:                   (f) => f.owner.socket.timeout(5000).emitWithAck("conversation:read", { conversationId: f.groupId, seq: 2 }),
  "conversation:updated": (f) => request(`/api/conversations/${f.groupId}`, { method: "PATCH", cookie: f.owner.cookie, json: { title: `${f.title} (renamed)` } }),
  "user:updated":         (f) => request("/api/me", { method: "PATCH", cookie: f.owner.cookie, json: { displayName: `Owner ${randomUUID().slice(0, 8)}` } }),
  // last: the member goes offline
  presence:               async (f) => f.member.socket.disconnect(),
  "conversation:new":     "sent to the added user's own room",
  "conversation:removed": "sent to the removed user's own room",
  "session:revoked":      "sent to the signed-out session's own room",
  resync:                 "sent by a node to its own sockets when Redis is back; carries no data",
};

let f: Fixture;
/** every event each socket received, by socket */
const heard = new Map<ClientSocket, { event: string; args: unknown[] }[]>();

function listen(socket: ClientSocket): void {
  heard.set(socket, []);
  socket.onAny((event: string, ...args: unknown[]) => heard.get(socket)!.push({ event, args }));
}
const clearHeard = () => heard.forEach((log) => log.splice(0));
const everythingHeard = () => [...heard.values()].flat();

beforeAll(async () => {
  const [owner, member, bystander, removed, stranger] = await Promise.all([1, 2, 3, 4, 5].map(() => chatUser()));
  const signedOutCookie = await signIn(owner.username, owner.password);
  expect((await signOut(signedOutCookie)).status).toBe(200);
  const title = `Secret plans ${randomUUID()}`;
  const group = await createGroup(owner, title, [member, bystander, removed]);
  const ownerBody = `owner secret ${randomUUID()}`;
  const sentByOwner = await send(owner, group.id, ownerBody);
  const sentByRemoved = await send(removed, group.id, "said while still a member");
  if (!sentByOwner.ok || !sentByRemoved.ok) throw new Error("fixture messages were not sent");
  const gone = new Promise((resolve) => removed.socket.once("conversation:removed", resolve));
  expect((await request(`/api/conversations/${group.id}/members/${removed.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(200);
  await gone;
  const removedLater = connectSocket(removed.cookie);
  await connected(removedLater);
  for (const s of [owner, member, bystander, removed, stranger].map((u) => u.socket).concat(removedLater)) listen(s);
  f = {
    owner,
    member,
    bystander,
    removed,
    stranger,
    removedLater,
    signedOutCookie,
    groupId: group.id,
    title,
    ownerMessageId: sentByOwner.message.id,
    removedMessageId: sentByRemoved.message.id,
    secrets: [title, ownerBody, owner.email, member.email, bystander.email],
  };
});

const userIds = () => [f.owner, f.member, f.bystander, f.removed, f.stranger].map((u) => u.id);

describe("handshake", () => {
  it.each([
    ["anonymous", () => ""],
    ["forged", () => FORGED_SESSION_COOKIE],
    ["signedOut", () => f.signedOutCookie],
  ])("refuses a socket as %s with connect_error 'unauthorized'", async (_actor, cookie) => {
    await expect(connected(connectSocket(cookie()))).rejects.toThrow("unauthorized");
  });
});

describe("client events", () => {
  const cells = Object.entries(EVENTS).flatMap(([event, row]) =>
    Object.entries(row.cells).map(([actor, cell]) => [event as keyof ClientToServerEvents, actor as Actor, cell, row] as const),
  );

  it.each(cells)("%s from %s → %s", async (event, actor, cell, row) => {
    const before = await dbState(userIds());
    clearHeard();
    const args = row.payload ? [row.payload(f, actor)] : [];
    const socket = f[actor].socket.timeout(5000) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    const ack = await socket.emitWithAck(event, ...args);

    if (cell === "self") expect(ack).toEqual({ ok: true, userId: f[actor].id });
    else expect(ack).toEqual({ ok: false, error: { code: cell, message: expect.any(String) } });
    expectNoLeak(JSON.stringify(ack), f.secrets);
    await settle();
    expect(everythingHeard()).toEqual([]); // relayed to no member (and nothing back to the caller)
    expect(await dbState(userIds())).toEqual(before);
  });
});

describe("conversation traffic after a removal", () => {
  const cells = Object.entries(TRAFFIC).filter((e): e is [string, (f: Fixture) => Promise<unknown>] => typeof e[1] === "function");

  it.each(cells)("%s reaches the members but not the stranger or the removed member's sockets", async (event, trigger) => {
    clearHeard();
    await trigger(f);
    await eventually(() => heard.get(f.bystander.socket)!.some((h) => h.event === event));
    await settle();
    for (const outsider of [f.stranger.socket, f.removed.socket, f.removedLater]) expect(heard.get(outsider)).toEqual([]);
  });
});

describe("the matrix covers the whole protocol", () => {
  it("has a row for every client event the server handles", () => {
    expect(Object.keys(EVENTS).sort()).toEqual([...CLIENT_EVENTS].sort());
  });
});
