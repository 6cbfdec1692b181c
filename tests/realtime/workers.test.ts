/**
 * One server with WEB_CONCURRENCY=2 and no Redis (cluster.ts): the two workers are one service.
 * Messages, typing, presence and rate limits cross workers; a long-polling session's requests reach
 * its worker whichever connection carries them; HTTP is served by the workers' own servers
 * (keep-alive, pipelining, connections spread, timeouts, shutdown waiting for requests in flight); and a
 * worker that dies is replaced while the other keeps its clients, announcing the dead worker's
 * users offline.
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
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
  // the port answers once the first worker listens; the tests want both
  await eventually(() => server.output().includes("(production, 2 workers)"), 60_000);
});

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  await closeTestSql();
});

function connect(u: NodeUser, transport: "websocket" | "polling" = "websocket", agent?: http.Agent): Promise<Client> {
  const transports = [transport];
  const socket: Client = io(server.url, { transports, extraHeaders: { cookie: u.cookie }, reconnection: false, forceNew: true, agent: agent as never });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const workerPids = () => execFileSync("pgrep", ["-P", String(server.proc.pid), "-f", "server.ts"]).toString().trim().split("\n").map(Number);
/** The worker slot holding a socket's session: its Engine.IO id starts `w<slot>.` (cluster.ts). */
const slotOf = (s: Client) => Number(/^w(\d+)\./.exec((s.io as unknown as { engine: { id: string } }).engine.id)![1]);
/** The process id of the worker in `slot` (cluster.ts gives each worker PARLEY_WORKER_SLOT). */
const pidOfSlot = (slot: number) => workerPids().find((pid) => fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`PARLEY_WORKER_SLOT=${slot}`))!;
/**
 * A socket of `u` on another worker than `other`'s. The kernel gives a new connection to whichever
 * worker accepts first, so a lone client's connections can all go to one idle worker: a few connect
 * at once, and the others are closed.
 */
async function connectBeside(u: NodeUser, other: Client): Promise<Client> {
  const avoid = slotOf(other);
  for (let i = 0; i < 10; i++) {
    const tries = await Promise.all(Array.from({ length: 4 }, () => connect(u)));
    const found = tries.find((s) => slotOf(s) !== avoid);
    for (const s of tries) if (s !== found) s.disconnect();
    if (found) return found;
  }
  throw new Error("every socket landed on one worker");
}
/**
 * Writes `raw` on a new connection and resolves with all it got back once the server closes it or
 * `quietMs` pass without a byte after the first ("HUNG" when none came within `firstMs` and the
 * connection stayed open).
 */
function rawExchange(raw: string, opts: { quietMs?: number; firstMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ port: Number(new URL(server.url).port), host: "127.0.0.1" });
    let got = "";
    const done = () => {
      clearTimeout(quiet);
      s.destroy();
      resolve(got);
    };
    let quiet: NodeJS.Timeout | undefined = setTimeout(() => {
      got ||= "HUNG";
      done();
    }, opts.firstMs ?? 10_000);
    s.on("data", (d) => {
      got += d.toString("latin1");
      clearTimeout(quiet);
      quiet = setTimeout(done, opts.quietMs ?? 1500);
    });
    s.on("error", done);
    s.on("end", done);
    s.write(raw);
  });
}

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
  // each pair spans the two workers (checked below, when one dies)
  const adaSocket = await connect(ada);
  const bobSocket = await connectBeside(bob, adaSocket);
  const cyOne = await connect(cy);
  const cyTwo = await connectBeside(cy, cyOne);
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

  // a long-polling session's requests reach the worker that holds it: 6 round trips
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
  const victim = pidOfSlot(slotOf(adaSocket));
  expect(pidsBefore).toContain(victim);
  const dropped = new Set<Client>();
  for (const s of [adaSocket, bobSocket, cyOne, cyTwo]) s.once("disconnect", () => dropped.add(s));
  const offline = new Promise<{ userId: string }>((resolve) => {
    for (const s of [adaSocket, bobSocket]) s.on("presence", (p) => !p.online && resolve(p));
  });
  process.kill(victim, "SIGKILL");
  await eventually(() => dropped.size === 2, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(dropped.size).toBe(2); // one socket of each pair: the pairs were on different workers
  expect(dropped.has(adaSocket) && !dropped.has(bobSocket)).toBe(true);
  expect(dropped.has(cyOne) !== dropped.has(cyTwo)).toBe(true);
  // the survivor announces the dead worker's user (alone there) offline to the other
  const gone = ada;
  expect((await offline).userId).toBe(gone.id);
  await eventually(() => workerPids().length === 2 && !workerPids().includes(victim), 30_000);
  expect(server.output()).toMatch(/worker \d+ exited \(SIGKILL\); starting another/);
  await eventually(() => /worker \d+ ready in slot \d/.test(server.output()), 60_000);

  // the dead worker's user comes back and talks to the survivor's
  const back = await connect(gone);
  const stayed = gone === ada ? bobSocket : adaSocket;
  const arrived = new Promise((r) => stayed.once("message:new", r));
  expect((await back.timeout(5000).emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "back again" })).ok).toBe(true);
  await arrived;
});

it("serves HTTP as the workers' own servers: keep-alive, pipelining, connections spread", async () => {
  const host = new URL(server.url).host;
  const get = `GET /api/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  // two requests in one write on one connection: both answered, the connection kept
  const pipelined = await rawExchange(get + get);
  expect(pipelined.match(/^HTTP\/1\.1 200/gm)).toHaveLength(2);
  expect(pipelined).not.toMatch(/^connection: close/im);
  // new connections are spread over the workers: polling handshakes, one connection each, open sessions on both
  const slots = new Set<number>();
  for (let i = 0; i < 10 && slots.size < 2; i++) {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { connection: "close" } });
        slots.add(Number(/"sid":"w(\d+)\./.exec(await res.text())?.[1]));
      }),
    );
  }
  expect([...slots].sort()).toEqual([0, 1]);
});

it("announces a user offline exactly once when their tabs on two workers close at the same moment", async () => {
  const watcher = await user(server, "watcher");
  const tabs = await user(server, "tabs");
  const room = (await (await json(server, "/api/conversations", { method: "POST", cookie: watcher.cookie, body: { kind: "group", title: "Presence", memberIds: [tabs.id] } })).json()).conversation;
  expect(room.id).toBeTruthy();
  const watching = await connect(watcher);
  const seen: boolean[] = [];
  watching.on("presence", (p) => p.userId === tabs.id && seen.push(p.online));
  for (let round = 0; round < 8; round++) {
    seen.length = 0;
    const one = await connect(tabs);
    const two = await connectBeside(tabs, one);
    // online once, when the first tab on the machine opened
    await eventually(() => seen.includes(true));
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([true]);
    seen.length = 0;
    one.disconnect();
    two.disconnect();
    await eventually(() => seen.includes(false), 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([false]);
    const view = (await (await json(server, `/api/conversations/${room.id}`, { cookie: watcher.cookie })).json()).conversation;
    expect(view.members.find((m: { id: string }) => m.id === tabs.id).online).toBe(false);
  }
});

it("ends a tab handoff across workers online: one tab closing as another opens is never heard as offline last", async () => {
  const watcher = await user(server, "watcher2");
  const tabs = await user(server, "handoff");
  const room = (await (await json(server, "/api/conversations", { method: "POST", cookie: watcher.cookie, body: { kind: "group", title: "Handoff", memberIds: [tabs.id] } })).json()).conversation;
  const watching = await connect(watcher);
  const seen: boolean[] = [];
  watching.on("presence", (p) => p.userId === tabs.id && seen.push(p.online));
  let open = await connect(tabs);
  await eventually(() => seen.at(-1) === true);
  let across = 0;
  for (let round = 0; round < 16; round++) {
    const was = slotOf(open);
    const [, next] = await Promise.all([Promise.resolve(open.disconnect()), connect(tabs)]);
    if (slotOf(next) !== was) across++;
    open = next;
    await new Promise((r) => setTimeout(r, 250));
    if (seen.length) expect(seen.at(-1)).toBe(true);
    const view = (await (await json(server, `/api/conversations/${room.id}`, { cookie: watcher.cookie })).json()).conversation;
    expect(view.members.find((m: { id: string }) => m.id === tabs.id).online).toBe(true);
  }
  expect(across).toBeGreaterThan(0);
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

it("bounds what a worker hands back: a slow body times out, a flood of bodies is refused, not piled up", async () => {
  const port = Number(new URL(server.url).port);
  const foreign = `/socket.io/?EIO=4&transport=polling&sid=w9.nobody`; // a slot no worker has
  // a body that never finishes is answered 408 (as one process's body deadline would), not held
  const started = Date.now();
  const slow = rawExchange(`POST ${foreign} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n4hello`, { firstMs: 20_000 });
  expect(await slow).toMatch(/^HTTP\/1\.1 408[\s\S]*"request_timeout"/);
  expect(Date.now() - started).toBeLessThan(15_000);
  // 60 bodies of 1 MB at once: the worker sends back at most 4 MiB at a time and refuses the rest with 503
  const primary = server.proc.pid!;
  const rssMB = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${primary}/status`, "utf8"))![1]) / 1024;
  const before = rssMB();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMB())), 100);
  const body = "4" + "x".repeat(2 ** 20 - 1);
  const answers = await Promise.all(
    Array.from({ length: 60 }, () => rawExchange(`POST ${foreign} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`, { quietMs: 3000 })),
  );
  clearInterval(sampler);
  const statuses = answers.map((a) => /^HTTP\/1\.1 (\d+)/.exec(a)?.[1] ?? "none");
  // handed on and refused by Engine.IO ("Session ID unknown"), refused as busy (503), or closed while
  // still sending the refused body: never left hanging
  expect(answers.filter((a) => a === "HUNG")).toEqual([]);
  expect(statuses.filter((st) => st !== "400" && st !== "503" && st !== "none")).toEqual([]); // handed on and refused by Engine.IO, or refused as busy
  expect(statuses).toContain("503");
  expect(peak - before).toBeLessThan(60);
  expect((await fetch(`${server.url}/api/health`)).ok).toBe(true);
});

it("stops gracefully: a worker answers the request it is reading before it exits", async () => {
  // a request whose body is still arriving when the server is told to stop gets its answer
  const port = Number(new URL(server.url).port);
  const s = net.connect(port, "127.0.0.1");
  let answer = "";
  s.on("data", (d) => (answer += d.toString("latin1")));
  s.on("error", () => {});
  const closed = new Promise<void>((r) => s.once("close", () => r()));
  s.write(`POST /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${server.url}\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nhalf:`);
  await new Promise((r) => setTimeout(r, 300));
  const exited = server.stop("SIGTERM");
  await new Promise((r) => setTimeout(r, 1500));
  s.write("rest.");
  await closed;
  expect(answer).toMatch(/^HTTP\/1\.1 405/);
  expect(await exited).toBe(0);
});
