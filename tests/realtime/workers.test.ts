/**
 * One server with WEB_CONCURRENCY=2 and no Redis (cluster.ts): the two workers are one service.
 * Messages, typing, presence and rate limits cross workers; a long-polling session stays on its
 * worker (sticky); request heads still time out; and a worker that dies is replaced while the other
 * keeps its clients, announcing the dead worker's users offline.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { io } from "socket.io-client";
import { freePort } from "@/db/embedded";
import { closeTestSql } from "../support/api";
import { eventually } from "../support/chat";
import { collect, json, userOn as user, type Client, type NodeUser } from "../support/nodes";
import { startServerProcess, type ServerProcess } from "../support/server-process";

jest.setTimeout(120_000);

const dataDir = path.join(path.resolve(__dirname, "../.."), ".data", `workers-${process.pid}`);
const sockets: Client[] = [];
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess(await freePort(), {
    DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL,
    PARLEY_DATA_DIR: dataDir,
    REDIS_URL: undefined,
    WEB_CONCURRENCY: "2",
    PRESENCE_REFRESH_MS: "300",
  });
});

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  await closeTestSql();
});

function connect(u: NodeUser, transport: "websocket" | "polling" = "websocket"): Promise<Client> {
  const socket: Client = io(server.url, { transports: [transport], extraHeaders: { cookie: u.cookie }, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const workerPids = () => execFileSync("pgrep", ["-P", String(server.proc.pid), "-f", "server.ts"]).toString().trim().split("\n").map(Number);

it("runs two workers that share rooms, presence and limits, keep polling sessions, and replace a dead worker", async () => {
  expect(server.output()).toContain("(production, 2 workers)");
  const pidsBefore = workerPids();
  expect(pidsBefore).toHaveLength(2);
  // a request head that never ends is closed by its worker (headersTimeout 15 s), not held forever
  const slowStarted = Date.now();
  const slow = net.connect(Number(new URL(server.url).port), "127.0.0.1");
  slow.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  let answer = "";
  slow.on("data", (d) => (answer += d.toString()));
  slow.on("error", () => {});
  const slowClosed = new Promise<{ answer: string; after: number }>((r) => slow.once("close", () => r({ answer, after: Date.now() - slowStarted })));

  const ada = await user(server, "ada");
  const bob = await user(server, "bob");
  const cy = await user(server, "cy");
  // least-connection: consecutive sockets alternate between the workers (checked below, when one dies)
  const adaSocket = await connect(ada);
  const bobSocket = await connect(bob);
  const cyOne = await connect(cy);
  const cyTwo = await connect(cy);
  const [adaGot, bobGot] = [adaSocket, bobSocket].map(collect);

  const dm = (await (await json(server, "/api/conversations", { method: "POST", cookie: ada.cookie, body: { kind: "direct", userId: bob.id } })).json()).conversation;
  const group = (await (await json(server, "/api/conversations", { method: "POST", cookie: bob.cookie, body: { kind: "group", title: "Workers", memberIds: [ada.id, cy.id] } })).json()).conversation;
  const direct = await adaSocket.timeout(5000).emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "from one worker" });
  expect(direct.ok).toBe(true);
  await eventually(() => bobGot.some((m) => m.body === "from one worker"));
  const sent = await bobSocket.timeout(5000).emitWithAck("message:send", { conversationId: group.id, clientId: randomUUID(), body: "to the other" });
  expect(sent.ok).toBe(true);
  await eventually(() => adaGot.some((m) => m.body === "to the other"));

  // typing crosses workers
  const typing = new Promise((r) => bobSocket.once("typing", r));
  await adaSocket.timeout(5000).emitWithAck("typing", { conversationId: dm.id, typing: true });
  expect(await typing).toEqual({ conversationId: dm.id, userId: ada.id, typing: true });

  // presence: whichever worker answers, both users are online
  const view = (await (await json(server, `/api/conversations/${dm.id}`, { cookie: bob.cookie })).json()).conversation;
  expect(view.members.map((m: { online: boolean }) => m.online)).toEqual([true, true]);

  // one send limit for the user across workers (30 per 10 s): 34 sends from two sockets, some refused
  const results = await Promise.all(
    Array.from({ length: 34 }, (_, i) => (i % 2 ? cyOne : cyTwo).timeout(5000).emitWithAck("message:send", { conversationId: group.id, clientId: randomUUID(), body: `burst ${i}` })),
  );
  expect(results.filter((r) => r.ok)).toHaveLength(30);
  expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === "rate_limited")).toBe(true);

  // a long-polling session's requests all reach the worker that holds it (sticky): 6 round trips
  const polling = await connect(bob, "polling");
  for (let i = 0; i < 6; i++) {
    const got = new Promise((r) => adaSocket.once("message:new", r));
    expect((await polling.timeout(5000).emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: `polled ${i}` })).ok).toBe(true);
    await got;
  }
  polling.disconnect();

  // (the request head that never ends, opened first, was closed by its worker with 408)
  const slowAnswer = await slowClosed;
  expect(slowAnswer.answer).toMatch(/^HTTP\/1\.1 408/);
  expect(slowAnswer.after).toBeLessThan(20_000);

  // a worker dies: its sockets drop, the other worker's stay, and a replacement starts
  const victim = pidsBefore[0];
  const dropped = new Set<Client>();
  for (const s of [adaSocket, bobSocket, cyOne, cyTwo]) s.once("disconnect", () => dropped.add(s));
  const offline = new Promise<{ userId: string }>((resolve) => {
    for (const s of [adaSocket, bobSocket]) s.on("presence", (p) => !p.online && resolve(p));
  });
  process.kill(victim, "SIGKILL");
  await eventually(() => dropped.size === 2, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(dropped.size).toBe(2); // one socket of each pair: the pairs were on different workers
  expect(dropped.has(adaSocket) !== dropped.has(bobSocket)).toBe(true);
  expect(dropped.has(cyOne) !== dropped.has(cyTwo)).toBe(true);
  // the survivor announces the dead worker's user (alone there) offline to the other
  const gone = dropped.has(adaSocket) ? ada : bob;
  expect((await offline).userId).toBe(gone.id);
  await eventually(() => workerPids().length === 2 && !workerPids().includes(victim), 30_000);
  expect(server.output()).toMatch(/worker \d+ exited \(SIGKILL\); starting another/);

  // the dead worker's user comes back and talks to the survivor's
  const back = await connect(gone);
  const stayed = gone === ada ? bobSocket : adaSocket;
  const arrived = new Promise((r) => stayed.once("message:new", r));
  expect((await back.timeout(5000).emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "back again" })).ok).toBe(true);
  await arrived;
});

it("does not pile request bodies up in the primary faster than its workers take them", async () => {
  // 8 connections each declare a 1 GiB upload (refused 413 at once) and send as fast as TCP allows: the
  // primary forwards bodies to workers over IPC, and used to grow by ~50 MB a second doing so
  const primary = server.proc.pid!;
  const rssMB = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${primary}/status`, "utf8"))![1]) / 1024;
  const before = rssMB();
  const port = Number(new URL(server.url).port);
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  const until = Date.now() + 8000;
  let sent = 0;
  const flood = (): Promise<void> =>
    new Promise((done) => {
      if (Date.now() > until) return done();
      const s = net.connect(port, "127.0.0.1");
      s.on("error", () => {});
      s.write(`POST /api/attachments HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${server.url}\r\nContent-Length: 1073741824\r\nContent-Type: multipart/form-data; boundary=x\r\n\r\n`);
      const pump = () => {
        while (!s.destroyed && Date.now() < until) {
          sent += chunk.length;
          if (!s.write(chunk)) return void s.once("drain", pump);
        }
        s.destroy();
      };
      s.once("close", () => void flood().then(done));
      pump();
    });
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMB())), 200);
  await Promise.all(Array.from({ length: 8 }, flood));
  clearInterval(sampler);
  expect(sent).toBeGreaterThan(50 * 2 ** 20); // the bodies did flow
  expect(peak - before).toBeLessThan(150);
  expect((await fetch(`${server.url}/api/health`)).ok).toBe(true);
});
