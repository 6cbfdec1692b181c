/**
 * A reconnecting crowd (issue 15, item 5): after a restart every client handshakes and syncs at once.
 * The reads each of those makes (the session, the memberships, the handshake's reconcile, `sync`) are
 * answered together (lib/platform/batch.ts), so the crowd costs the server a few database statements,
 * not several per socket — and each socket still gets exactly its own rooms and its own answer.
 * The server runs as a process of its own behind a proxy that counts its statements (tests/support/pg-counter.ts).
 * Each handshake decodes its session cookie with a key derived once, not once per cookie
 * (lib/http/session-token.ts; the server's derivations are counted by tests/support/hkdf-counter.mjs).
 */
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { freePort } from "@/db/embedded";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";
import type { MessageView } from "@/lib/messages/types";
import { closeTestSql, testSql } from "../support/api";
import { seedCrowd, type CrowdMember } from "../support/crowd";
import { startPgCounter, type PgCounter } from "../support/pg-counter";
import { startServerProcess, type ServerProcess } from "../support/server-process";

jest.setTimeout(180_000);

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CROWD = 300;
const GROUP_SIZE = 10;
/** What the crowd may cost beyond the server's own background work: well under one statement per socket (without batching: 4 per handshake, 2 per sync). */
const BUDGET = CROWD / 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dataDir = path.resolve(__dirname, "../..", ".data", `storm-test-${process.pid}`);
let counter: PgCounter;
let server: ServerProcess;
let crowd: CrowdMember[];
let sockets: ClientSocket[] = [];

beforeAll(async () => {
  const secret = randomBytes(32).toString("base64url");
  counter = await startPgCounter(process.env.PARLEY_TEST_DATABASE_URL!);
  const port = await freePort();
  server = await startServerProcess(port, {
    DATABASE_URL: counter.url,
    NEXTAUTH_SECRET: secret,
    RATE_LIMITS: "off",
    PARLEY_DATA_DIR: dataDir,
    // counts the server's HKDF derivations (the session token's key)
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${path.resolve(__dirname, "../support/hkdf-counter.mjs")}`,
  });
  crowd = await seedCrowd(testSql(), { users: CROWD, groupSize: GROUP_SIZE, secret });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.stop();
  await counter?.close();
  await closeTestSql();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Statements the server sends while `work` runs, less what its background jobs sent at their idle rate over as long. */
async function statementsFor(work: () => Promise<void>): Promise<number> {
  const idleFrom = counter.statements();
  const idleStart = Date.now();
  await sleep(2000);
  const idleRate = (counter.statements() - idleFrom) / (Date.now() - idleStart);
  const from = counter.statements();
  const start = Date.now();
  await work();
  return counter.statements() - from - idleRate * (Date.now() - start);
}

function connect(member: CrowdMember): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, { transports: ["websocket"], extraHeaders: { cookie: member.cookie }, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

describe("a reconnecting crowd", () => {
  it("is authenticated and put in its rooms with far fewer database statements than sockets", async () => {
    const used = await statementsFor(async () => {
      sockets = await Promise.all(crowd.map(connect));
      await sleep(1500); // each socket's reconcile (the session and memberships read again) runs once it is connected
    });
    expect(sockets.every((s) => s.connected)).toBe(true);
    expect(used).toBeLessThan(BUDGET);

    // each socket is in its own group's room, and only there
    const received = sockets.map(() => [] as MessageView[]);
    sockets.forEach((s, i) => s.on("message:new", (m) => received[i].push(m)));
    const senders = crowd.map((_, i) => i).filter((i) => i % GROUP_SIZE === 0);
    const sent = await Promise.all(
      senders.map((i) => sockets[i].timeout(10_000).emitWithAck("message:send", { conversationId: crowd[i].groupId, clientId: randomUUID(), body: `hello from ${i}` })),
    );
    expect(sent.every((res) => res.ok)).toBe(true);
    await sleep(1000);
    received.forEach((messages, i) => {
      expect(messages.map((m) => m.conversationId)).toEqual([crowd[i].groupId]);
      expect(messages[0].body).toBe(`hello from ${i - (i % GROUP_SIZE)}`);
    });
  });

  it("derives the session token's key once, not once per handshake", async () => {
    // the first test's crowd has handshaked, each decoding its session cookie
    await sleep(300);
    expect(server.output()).toContain("[hkdf-counter] ready");
    const printed = [...server.output().matchAll(/\[hkdf-counter\] (\d+)/g)].map((m) => Number(m[1]));
    expect(printed.at(-1) ?? 0).toBeLessThanOrEqual(1);
  });

  it("syncs all at once with far fewer statements than sockets, each answer as if alone", async () => {
    const since = (i: number) => ({ [crowd[i].groupId]: i % 2 ? 0 : Number.MAX_SAFE_INTEGER });
    const stranger = CROWD - 1; // asks for a group that is not its own, with its own: refused alone
    const ask = (i: number) => (i === stranger ? { ...since(i), [crowd[0].groupId]: 0 } : since(i));
    let together: Awaited<ReturnType<ClientSocket["emitWithAck"]>>[] = [];
    const used = await statementsFor(async () => {
      together = await Promise.all(sockets.map((s, i) => s.timeout(10_000).emitWithAck("sync", { since: ask(i) })));
    });
    expect(used).toBeLessThan(BUDGET);

    for (const [i, res] of together.entries()) {
      if (i === stranger) {
        expect(res).toMatchObject({ ok: false, error: { code: "not_found" } });
        continue;
      }
      const alone = await sockets[i].timeout(10_000).emitWithAck("sync", { since: ask(i) });
      expect(res).toEqual(alone);
      expect(res).toMatchObject({ ok: true, hasMore: false });
      const messages = (res as { messages: MessageView[] }).messages;
      expect(messages.map((m) => m.body)).toEqual(i % 2 ? [`hello from ${i - (i % GROUP_SIZE)}`] : []);
    }
  });
  it("pages each caller of a batched sync as its own query would: its conversations in id order, 500 at most", async () => {
    const [g0, g1, g2] = [crowd[0].groupId, crowd[GROUP_SIZE].groupId, crowd[2 * GROUP_SIZE].groupId];
    const sql = testSql();
    // five of group 0 join groups 1 and 2 too; group 1 gets a long history, group 2 a short one
    await sql`insert into members ${sql(crowd.slice(1, 6).flatMap((m) => [g1, g2].map((g) => ({ conversation_id: g, user_id: m.id, role: "member" }))))}`;
    for (const [group, count] of [[g1, 620], [g2, 30]] as const) {
      await sql`insert into messages (conversation_id, seq, rev, sender_id, client_id, body)
        select ${group}, g, g, ${crowd[GROUP_SIZE].id}, gen_random_uuid(), 'bulk ' || g from generate_series(2, ${count + 1}) g`;
      await sql`update conversations set last_seq = ${count + 1} where id = ${group}`;
    }
    const asks: [number, Record<string, number>][] = [
      [1, { [g0]: 0, [g1]: 0, [g2]: 0 }],
      [2, { [g1]: 300, [g2]: 0 }],
      [3, { [g2]: 10, [g1]: 0 }],
      [4, { [g1]: 600 }],
      [5, { [g0]: 0, [g2]: 0 }],
      [GROUP_SIZE + 1, { [g1]: 0 }],
      [GROUP_SIZE + 2, { [g1]: 550 }],
    ];
    const answers = await Promise.all(asks.map(([i, since]) => sockets[i].timeout(10_000).emitWithAck("sync", { since })));
    const stored = await sql`select id, conversation_id, rev from messages where conversation_id in ${sql([g0, g1, g2])}`;
    asks.forEach(([, since], n) => {
      const wanted = stored
        .filter((m) => m.conversation_id in since && Number(m.rev) > since[m.conversation_id])
        .sort((a, b) => (a.conversation_id === b.conversation_id ? Number(a.rev) - Number(b.rev) : a.conversation_id < b.conversation_id ? -1 : 1))
        .slice(0, 501);
      const res = answers[n] as { ok: true; messages: MessageView[]; hasMore: boolean };
      expect({ n, ids: res.messages.map((m) => m.id), hasMore: res.hasMore }).toEqual({ n, ids: wanted.slice(0, 500).map((m) => m.id), hasMore: wanted.length > 500 });
    });
  });
});
