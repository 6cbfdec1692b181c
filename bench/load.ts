/**
 * The load generator: a separate process driven by bench/run.ts over IPC. It connects one socket per
 * user (or many for the idle test), sends at a fixed total rate, each message to the sender's group
 * with a fresh clientId and the send time in the body, and measures acks and deliveries.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";
import type { MessageView } from "@/lib/messages/types";
import { LATE_WAIT_MS, type BenchUser, type Command, type ConnectResult, type LoadEvent, type Reply, type ServerKind, type StepResult, type Workload } from "./protocol";
import { summarize } from "./stats";

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Client {
  user: BenchUser;
  socket: ClientSocket;
  seen: Set<string>;
}

interface Sent {
  inWindow: boolean;
  sentAt: number;
  expected: number;
  received: number;
  acked: boolean;
}

/** What one step is measuring; message handlers report into the current one. */
class StepState {
  readonly sent = new Map<string, Sent>();
  readonly ackLatency: number[] = [];
  readonly e2eLatency: number[] = [];
  windowStart = Infinity;
  windowEnd = Infinity;
  acksInWindow = 0;
  deliveriesInWindow = 0;
  duplicates = 0;
  ackErrors = 0;
  firstAckError?: string;
  disconnects = 0;

  inWindow(t: number): boolean {
    return t >= this.windowStart && t < this.windowEnd;
  }
}

const workload = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Workload;
/** One pool of sockets per server, so that steps against the relay and Parley can alternate. */
const pools: Record<ServerKind, Client[]> = { parley: [], relay: [], "parley-workers": [], "parley-nodes": [] };
let step: StepState | undefined;
const now = () => performance.timeOrigin + performance.now(); // ms since the epoch, sub-millisecond
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function onDelivery(client: Client, m: MessageView): void {
  const s = step;
  if (!s) return;
  if (client.seen.has(m.id)) {
    s.duplicates++;
    return;
  }
  client.seen.add(m.id);
  if (m.senderId === client.user.id) return; // the sender's own echo is not a delivery
  const sent = s.sent.get(m.clientId);
  if (!sent) return;
  sent.received++;
  const t = now();
  if (s.inWindow(t)) s.deliveriesInWindow++;
  if (sent.inWindow) s.e2eLatency.push(t - Number(m.body.slice("bench ".length)));
}

function openSocket(url: string, kind: ServerKind, user: BenchUser): Promise<Client> {
  const socket: ClientSocket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: 30_000,
    ...(kind !== "relay" ? { extraHeaders: { cookie: user.cookie } } : { query: { u: user.id, g: user.groupId } }),
  });
  const client: Client = { user, socket, seen: new Set() };
  socket.on("message:new", (m) => onDelivery(client, m));
  socket.on("disconnect", () => step && step.disconnects++);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(client));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Opens sockets until `total` are connected, user i % users for socket i, 50 handshakes at a time. */
async function connect(url: string | string[], kind: ServerKind, total: number): Promise<ConnectResult> {
  const urls = Array.isArray(url) ? url : [url];
  const clients = pools[kind];
  const started = Date.now();
  let failed = 0;
  let firstError: string | undefined;
  const todo = Array.from({ length: Math.max(0, total - clients.length) }, (_, i) => clients.length + i);
  const worker = async () => {
    for (let i = todo.shift(); i !== undefined; i = todo.shift()) {
      try {
        clients.push(await openSocket(urls[i % urls.length], kind, workload.users[i % workload.users.length]));
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return { connected: clients.length, failed, firstError, ms: Date.now() - started };
}

async function disconnect(kind: ServerKind): Promise<void> {
  for (const c of pools[kind].splice(0)) c.socket.close();
  await sleep(500);
}

function sendOne(s: StepState, client: Client, groupSize: Map<string, number>, warmupEnd: number): void {
  const clientId = randomUUID();
  const sentAt = now();
  const sent: Sent = { inWindow: sentAt >= warmupEnd, sentAt, expected: groupSize.get(client.user.groupId)! - 1, received: 0, acked: false };
  s.sent.set(clientId, sent);
  client.socket.emit("message:send", { conversationId: client.user.groupId, clientId, body: `bench ${sentAt}` }, (res) => {
    const t = now();
    if (!res.ok) {
      s.ackErrors++;
      s.firstAckError ??= `${res.error.code}: ${res.error.message}`;
      return;
    }
    sent.acked = true;
    if (s.inWindow(t)) s.acksInWindow++;
    if (sent.inWindow) s.ackLatency.push(t - sentAt);
  });
}

/** Sends `rate` messages a second, spread evenly, for warm-up + duration; then drains and counts. */
async function runStep(kind: ServerKind, rate: number, warmupMs: number, durationMs: number, drainMs: number): Promise<StepResult> {
  const clients = pools[kind];
  const s = (step = new StepState());
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  for (const c of clients) c.seen.clear();
  const groupSize = new Map<string, number>();
  for (const c of clients) groupSize.set(c.user.groupId, (groupSize.get(c.user.groupId) ?? 0) + 1);
  const senders = [...clients].sort(() => Math.random() - 0.5);

  const start = now();
  const total = Math.round((rate * (warmupMs + durationMs)) / 1000);
  s.windowStart = start + warmupMs;
  s.windowEnd = s.windowStart + durationMs;
  setTimeout(() => {
    loopDelay.enable();
    send({ event: "window-start" });
  }, warmupMs);
  setTimeout(() => {
    loopDelay.disable();
    send({ event: "window-end" });
  }, warmupMs + durationMs);
  let n = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((rate * (now() - start)) / 1000));
      for (; n < due; n++) sendOne(s, senders[n % senders.length], groupSize, s.windowStart);
      if (n >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });

  const settled = () => [...s.sent.values()].every((m) => m.acked && m.received >= m.expected);
  const drainUntil = Date.now() + drainMs;
  while (Date.now() < drainUntil && !settled()) await sleep(50);
  await sleep(200); // late duplicates would show up here
  const all = [...s.sent.values()];
  const missing = () => all.reduce((sum, m) => sum + Math.max(0, m.expected - m.received), 0);
  const lost = missing();
  // the figures are those of the drain; what is still missing may yet come (late) or never
  const ack = summarize(s.ackLatency);
  const e2e = summarize(s.e2eLatency);
  const lateUntil = Date.now() + LATE_WAIT_MS;
  while (lost > 0 && Date.now() < lateUntil && missing() > 0) await sleep(100);
  step = undefined;

  const seconds = durationMs / 1000;
  return {
    rate,
    durationS: seconds,
    sent: all.length,
    ackedPerS: s.acksInWindow / seconds,
    deliveriesPerS: s.deliveriesInWindow / seconds,
    ack,
    e2e,
    expected: all.reduce((sum, m) => sum + m.expected, 0),
    lost,
    neverArrived: missing(),
    duplicates: s.duplicates,
    unacked: all.filter((m) => !m.acked).length,
    ackErrors: s.ackErrors,
    firstAckError: s.firstAckError,
    disconnects: s.disconnects,
    loadLoopDelayP99: loopDelay.percentile(99) / 1e6,
  };
}

function send(message: Reply | LoadEvent): void {
  process.send?.(message);
}

process.on("message", (raw: { id: number } & Command) => {
  const run = async (): Promise<unknown> => {
    switch (raw.cmd) {
      case "connect":
        return connect(raw.url, raw.kind, raw.total);
      case "disconnect":
        return disconnect(raw.kind);
      case "step":
        return runStep(raw.kind, raw.rate, raw.warmupMs, raw.durationMs, raw.drainMs);
      case "exit":
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  run().then(
    (result) => send({ id: raw.id, result: result ?? null }),
    (err: Error) => send({ id: raw.id, error: err.stack ?? String(err) }),
  );
});
process.on("disconnect", () => process.exit(0)); // run.ts is gone: stop too
