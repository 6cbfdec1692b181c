/**
 * Flood limits over Socket.IO, against the real server: every client event's per-user limit (one
 * count over all of a user's sockets, and HTTP where the event has a route too), the per-socket event
 * budget, the cap on one user's sockets, coalesced typing, read receipts that fan out only on a move,
 * and a bystander whose messages keep arriving fast while another user floods everything at once.
 * The HTTP routes' limits are in tests/integration/limits.test.ts.
 */
import { randomUUID } from "node:crypto";
import { LIMITS, MAX_SOCKETS_PER_USER, SOCKET_BUDGET, type LimitName } from "@/lib/platform/rate-limit";
import type { ClientToServerEvents } from "@/lib/realtime/contract";
import { closeTestSql, request, testSql } from "../support/api";
import { chatUser, createDirect, createGroup, eventually, send, settle, type ChatUser } from "../support/chat";
import { json, nodeCluster, userOn } from "../support/nodes";
import { closeAllSockets, connected, connectSocket, type ClientSocket } from "../support/sockets";

jest.setTimeout(120_000);
afterAll(() => {
  closeAllSockets();
  return closeTestSql();
});

type Answer = { ok: boolean; error?: { code: string; message: string } } & Record<string, unknown>;
/** Any event, answered or not in 10 s (untyped: the tests also send events the protocol lacks). */
function ask(socket: ClientSocket, event: string, ...args: unknown[]): Promise<Answer> {
  return (socket.timeout(10_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<Answer> }).emitWithAck(event, ...args);
}
function fire(socket: ClientSocket, event: string, ...args: unknown[]): void {
  (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...args);
}

/** `n` more sockets of `user`, connected. */
async function moreSockets(user: ChatUser, n: number): Promise<ClientSocket[]> {
  const sockets = Array.from({ length: n }, () => connectSocket(user.cookie));
  await Promise.all(sockets.map(connected));
  return sockets;
}

const limited = (name: LimitName) => ({ ok: false, error: { code: "rate_limited", message: expect.stringContaining(LIMITS[name].message) } });

interface EventRow {
  limit: LimitName;
  /** makes what the calls need; `ada` is fresh, `bob` shares a direct conversation with her */
  setup: (ada: ChatUser, bob: ChatUser, dm: string) => Promise<Record<string, string>>;
  /** one call that counts (its own answer does not matter) */
  call: (socket: ClientSocket, ctx: Record<string, string>) => Promise<unknown>;
  /** the call refused past the limit: one that would change something */
  last: (socket: ClientSocket, ctx: Record<string, string>) => Promise<Answer>;
  /** what the database holds that `last` would have changed */
  state?: (ctx: Record<string, string>, ada: ChatUser, dm: string) => Promise<unknown>;
}

const messageOf = (ctx: Record<string, string>) => testSql()`select body, rev, deleted_at from messages where id = ${ctx.messageId}`;
const ownMessage = async (ada: ChatUser, _bob: ChatUser, dm: string) => {
  const sent = await send(ada, dm, "mine");
  if (!sent.ok) throw new Error("setup send failed");
  return { messageId: sent.message.id };
};

// prettier-ignore
const EVENTS: Partial<Record<keyof ClientToServerEvents | "unknown", EventRow>> = {
  "message:edit": { limit: "edit", setup: ownMessage,
    call: (s, c) => ask(s, "message:edit", { messageId: c.messageId, body: "again" }),
    last: (s, c) => ask(s, "message:edit", { messageId: c.messageId, body: "one edit too many" }), state: messageOf },
  "message:delete": { limit: "delete", setup: ownMessage,
    call: (s) => ask(s, "message:delete", { messageId: randomUUID() }), // not_found, counted all the same
    last: (s, c) => ask(s, "message:delete", { messageId: c.messageId }), state: messageOf },
  "message:pin": { limit: "pin", setup: ownMessage,
    call: (s) => ask(s, "message:pin", { messageId: randomUUID(), pinned: true }), // not_found, counted all the same
    last: (s, c) => ask(s, "message:pin", { messageId: c.messageId, pinned: true }),
    state: (c) => testSql()`select rev, pinned_at from messages where id = ${c.messageId}` },
  "conversation:read": { limit: "read",
    setup: async (_ada, bob, dm) => {
      await send(bob, dm, "unread");
      return {};
    },
    call: (s, _c) => ask(s, "conversation:read", { conversationId: dmOf(s), seq: 0 }),
    last: (s) => ask(s, "conversation:read", { conversationId: dmOf(s), seq: 1 }),
    state: async (_c, ada, dm) => testSql()`select last_read_seq from members where conversation_id = ${dm} and user_id = ${ada.id}` },
  sync: { limit: "sync", setup: async () => ({}),
    call: (s) => ask(s, "sync", { since: { [dmOf(s)]: 0 } }), last: (s) => ask(s, "sync", { since: { [dmOf(s)]: 0 } }) },
  typing: { limit: "typing", setup: async () => ({}),
    call: (s) => ask(s, "typing", { conversationId: dmOf(s), typing: true }), last: (s) => ask(s, "typing", { conversationId: dmOf(s), typing: false }) },
  ping: { limit: "ping", setup: async () => ({}), call: (s) => ask(s, "ping"), last: (s) => ask(s, "ping") },
  unknown: { limit: "unknownEvent", setup: async () => ({}), call: (s) => ask(s, "admin:drop-tables", {}), last: (s) => ask(s, "admin:drop-tables", {}) },
};
const dms = new Map<ClientSocket, string>();
const dmOf = (s: ClientSocket) => dms.get(s)!;

describe("per-user limits of client events", () => {
  it.each(Object.entries(EVENTS))("%s: past the limit, ok:false rate_limited, counted over all of the user's sockets, and nothing changes", async (_event, row) => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = (await createDirect(ada, bob)).id;
    const ctx = await row!.setup(ada, bob, dm);
    const { points } = LIMITS[row!.limit];
    // spread over several sockets, each well within its own event budget: the per-user count is what stops them
    const sockets = [ada.socket, ...(await moreSockets(ada, Math.ceil(points / (SOCKET_BUDGET.burst / 2))))];
    for (const s of sockets) dms.set(s, dm);
    for (let i = 0; i < points; i++) {
      const answer = (await row!.call(sockets[i % sockets.length], ctx)) as Answer;
      expect(answer.error?.code).not.toBe("rate_limited");
    }
    const before = await row!.state?.(ctx, ada, dm);
    expect(await row!.last(sockets.at(-1)!, ctx)).toEqual(limited(row!.limit));
    expect(await row!.state?.(ctx, ada, dm)).toEqual(before);
    // another user is not affected
    dms.set(bob.socket, dm);
    expect((await row!.last(bob.socket, ctx)).error?.code).not.toBe("rate_limited");
  });

  it("message:send: 30 per 10 s over sockets and HTTP together; a refused send is not stored", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = (await createDirect(ada, bob)).id;
    const { points } = LIMITS.send;
    for (let i = 0; i < points; i++) {
      if (i % 2) expect(await send(ada, dm, `socket ${i}`)).toMatchObject({ ok: true });
      else expect((await request(`/api/conversations/${dm}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: randomUUID(), body: `http ${i}` } })).status).toBe(201);
    }
    expect(await send(ada, dm, "one too many")).toEqual(limited("send"));
    const res = await request(`/api/conversations/${dm}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: randomUUID(), body: "one too many" } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await testSql()`select id from messages where conversation_id = ${dm}`).toHaveLength(points);
  });
});

describe("per-socket event budget", () => {
  it("answers every event over the budget rate_limited, then disconnects a socket that keeps flooding; the user's other sockets stay", async () => {
    const ada = await chatUser();
    const [flooder] = await moreSockets(ada, 1);
    const answers: Answer[] = [];
    const closed = new Promise<string>((r) => flooder.once("disconnect", r));
    // all at once, known and unknown events alike, each with an ack
    for (let i = 0; i < SOCKET_BUDGET.burst * 2; i++) fire(flooder, i % 2 ? "ping" : "no:such-event", (a: Answer) => answers.push(a));
    await eventually(() => answers.length === SOCKET_BUDGET.burst * 2);
    const refused = answers.filter((a) => a.error?.message.includes("this connection"));
    expect(refused.length).toBeGreaterThanOrEqual(SOCKET_BUDGET.burst / 2);
    expect(refused[0]).toEqual({ ok: false, error: { code: "rate_limited", message: expect.any(String) } });
    expect(flooder.connected).toBe(true); // over budget, but not yet "far past" it

    for (let i = 0; i < SOCKET_BUDGET.disconnectAfter * 2; i++) fire(flooder, "ping", () => {});
    expect(await closed).toBe("io server disconnect");
    expect(ada.socket.connected).toBe(true);
    expect(await ask(ada.socket, "ping")).toEqual({ ok: true, userId: ada.id });
  });
});

describe("sockets per user", () => {
  it(`refuses the ${MAX_SOCKETS_PER_USER + 1}th socket of one user with connect_error rate_limited; the first ones stay connected`, async () => {
    const ada = await chatUser(); // one socket already
    // the rest at once: handshakes in flight count too
    const rest = Array.from({ length: MAX_SOCKETS_PER_USER + 4 }, () => connectSocket(ada.cookie));
    const outcomes = await Promise.allSettled(rest.map(connected));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(MAX_SOCKETS_PER_USER - 1);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refusals).toHaveLength(5);
    for (const r of refusals) expect((r.reason as Error).message).toBe("rate_limited");

    await settle();
    const open = [ada.socket, ...rest.filter((s) => s.connected)];
    expect(open).toHaveLength(MAX_SOCKETS_PER_USER);
    expect(await ask(open[0], "ping")).toEqual({ ok: true, userId: ada.id });
    // another user is not affected; and a closed socket frees a place
    const bob = await chatUser();
    expect(bob.socket.connected).toBe(true);
    open[1].disconnect();
    await eventually(async () => {
      const again = connectSocket(ada.cookie);
      return connected(again).then(
        () => true,
        () => false,
      );
    });
  });
});

describe("typing", () => {
  it("coalesces a burst of 1,000 typing toggles from several sockets of one user to at most one typing event a second at another member", async () => {
    const [ada, bob, cy] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Typists", [bob, cy]);
    const sockets = [ada.socket, ...(await moreSockets(ada, 3))];
    const heard: { at: number; typing: boolean }[] = [];
    bob.socket.on("typing", (t) => heard.push({ at: Date.now(), typing: t.typing }));
    const self: unknown[] = [];
    for (const s of sockets) s.on("typing", (t) => self.push(t));

    const started = Date.now();
    for (let i = 0; i < 1000; i++) fire(sockets[i % sockets.length], "typing", { conversationId: group.id, typing: i % 2 === 0 }, () => {});
    await settle(2500);
    const seconds = (Date.now() - started) / 1000;

    expect(heard.length).toBeGreaterThanOrEqual(1);
    expect(heard[0].typing).toBe(true);
    expect(heard.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    for (let i = 1; i < heard.length; i++) expect(heard[i].at - heard[i - 1].at).toBeGreaterThanOrEqual(900);
    expect(self).toEqual([]); // never to the typist's own sockets
  });

  it("relays the first change at once and the last state when the second ends", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = (await createDirect(ada, bob)).id;
    const heard: { at: number; typing: boolean }[] = [];
    bob.socket.on("typing", (t) => heard.push({ at: Date.now(), typing: t.typing }));
    const [second] = await moreSockets(ada, 1);
    const t0 = Date.now();
    await ask(ada.socket, "typing", { conversationId: dm, typing: true });
    await ask(second, "typing", { conversationId: dm, typing: false });
    await ask(ada.socket, "typing", { conversationId: dm, typing: true });
    await ask(second, "typing", { conversationId: dm, typing: false });
    await eventually(() => heard.length === 2);
    expect(heard.map((h) => h.typing)).toEqual([true, false]);
    expect(heard[0].at - t0).toBeLessThan(500);
    expect(heard[1].at - heard[0].at).toBeGreaterThanOrEqual(900);
    await settle(1500);
    expect(heard).toHaveLength(2); // nothing further: the window closed with the state it last relayed
  });
});

describe("read receipts", () => {
  it("fans out `read` only when the position moves: repeated reads at the same position produce no events", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = (await createDirect(ada, bob)).id;
    await send(bob, dm, "one");
    await send(bob, dm, "two");
    const reads: { seq: number }[] = [];
    bob.socket.on("read", (r) => reads.push(r));
    expect(await ask(ada.socket, "conversation:read", { conversationId: dm, seq: 2 })).toEqual({ ok: true, seq: 2 });
    await eventually(() => reads.length === 1);
    for (let i = 0; i < 40; i++) {
      expect(await ask(ada.socket, "conversation:read", { conversationId: dm, seq: i % 2 ? 2 : 1 })).toEqual({ ok: true, seq: 2 });
    }
    await settle();
    expect(reads).toEqual([{ conversationId: dm, userId: ada.id, seq: 2 }]);
    await send(bob, dm, "three");
    expect(await ask(ada.socket, "conversation:read", { conversationId: dm, seq: 3 })).toEqual({ ok: true, seq: 3 });
    await eventually(() => reads.length === 2);
    expect(reads[1]).toEqual({ conversationId: dm, userId: ada.id, seq: 3 });
  });
});

describe("RATE_LIMITS=off", () => {
  it("turns every limit off: no socket cap, no event budget, no per-user limits", async () => {
    const cluster = nodeCluster("limits-off");
    try {
      const node = await cluster.startNode({ RATE_LIMITS: "off" });
      const [ada, bob] = await Promise.all([userOn(node, "ada"), userOn(node, "bob")]);
      const sockets = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_USER + 5 }, () => cluster.connect(node, ada.cookie)));
      const pings = await Promise.all(Array.from({ length: SOCKET_BUDGET.burst * 3 }, () => sockets[0].timeout(10_000).emitWithAck("ping")));
      expect(pings.every((p) => p.ok)).toBe(true);
      const group = (await (await json(node, "/api/conversations", { method: "POST", cookie: ada.cookie, body: { kind: "group", title: "Free", memberIds: [bob.id] } })).json()).conversation;
      for (let i = 0; i <= LIMITS.rename.points; i++) {
        expect((await json(node, `/api/conversations/${group.id}`, { method: "PATCH", cookie: ada.cookie, body: { title: `Free ${i}` } })).status).toBe(200);
      }
    } finally {
      await cluster.close();
    }
  });
});
