/**
 * A load process of the reconnect storm (bench/storm.ts), driven over IPC: it holds one socket per
 * user of its slice of the workload and behaves as the web client does after a reconnect.
 * - Sockets are opened as the page opens its own (components/chat/client/socket.ts openSocket:
 *   SOCKET_OPTIONS' transports, timeout, reconnectionDelay and reconnectionDelayMax, with the delays
 *   spread by spreadRetries), so the retries spread exactly as the browser's do; a refusal by the
 *   server's middleware is retried after REFUSED_RETRY_MS, as components/chat/client/connection.ts does.
 * - Sends go through the web client's own Outbox (components/chat/client/outbox.ts): a fresh clientId,
 *   nothing sent while disconnected, ACK_TIMEOUT_MS per attempt, retried with the same clientId, the
 *   queue resumed after every connect.
 * - After every connect it calls `sync` from the highest rev it holds per conversation, again while
 *   `hasMore`, with the web client's timeout and round limit (components/chat/client/sync.ts). A failed
 *   catch-up is asked again a second later (the web client's gap watcher would, GAP_SYNC_DELAY_MS).
 * The web client also refetches the conversation list over HTTP after a reconnect; this bench does not
 * (see docs/benchmarks.md, "Reconnect storm").
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { io } from "socket.io-client";
import { REFUSED_RETRY_MS } from "@/components/chat/client/connection";
import { Outbox } from "@/components/chat/client/outbox";
import { openSocket, type ChatSocket } from "@/components/chat/client/socket";
import type { ChatAction, ChatState, OutgoingMessage } from "@/components/chat/client/state";
import { MAX_ROUNDS, SYNC_TIMEOUT_MS } from "@/components/chat/client/sync";
import type { MessageView } from "@/lib/messages/types";
import type { BenchUser, Workload } from "./protocol";
import type { CheckResult, ClientTimes, DrainResult, ReportResult, SendRecord, StoredMessage, StormCommand, StormConnectResult, StormProgress, StormReply } from "./storm-protocol";

/** A failed catch-up is asked again after this long (the web client's GAP_SYNC_DELAY_MS). */
const SYNC_RETRY_MS = 1_000;
/** Handshakes under way at once while the first connections are opened (not during the storm). */
const CONNECT_CONCURRENCY = 100;

interface Held {
  count: number;
  conversationId: string;
  senderId: string | null;
  clientId: string;
  seq: number;
}

interface Client {
  user: BenchUser;
  socket: ChatSocket;
  outbox: Outbox;
  queue: OutgoingMessage[];
  /** every message id received (message:new, message:updated, sync), with how many times */
  held: Map<string, Held>;
  /** the highest rev held per conversation: where `sync` starts (DESIGN, "Socket.IO protocol") */
  cursor: Record<string, number>;
  /** a catch-up under way, and whether another connect asked for one meanwhile */
  syncing: boolean;
  syncAgain: boolean;
  /** the first catch-up (before the storm) finished */
  ready: boolean;
  times: ClientTimes;
}

const workload = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Workload;
const clients: Client[] = [];
const sends = new Map<string, SendRecord>();
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let armed = false;
let firstConnectError: string | undefined;
const connectErrorKinds: Record<string, number> = {};
let trickleTimer: NodeJS.Timeout | undefined;
let progressTimer: NodeJS.Timeout | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

const freshTimes = (): ClientTimes => ({ disconnectedAt: null, reconnectedAt: null, syncedAt: null, attempts: 0, connectErrors: 0, syncFailures: 0, flaps: 0 });

function receive(c: Client, m: MessageView): void {
  const held = c.held.get(m.id);
  if (held) held.count++;
  else c.held.set(m.id, { count: 1, conversationId: m.conversationId, senderId: m.senderId, clientId: m.clientId, seq: m.seq });
  c.cursor[m.conversationId] = Math.max(c.cursor[m.conversationId] ?? 0, m.rev);
}

/** `sync` from the cursors, again while the server has more; throws when a request fails or times out. */
async function syncOnce(c: Client): Promise<void> {
  const since = { ...c.cursor };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const res = await c.socket.timeout(SYNC_TIMEOUT_MS).emitWithAck("sync", { since });
    if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
    for (const m of res.messages) receive(c, m);
    if (!res.hasMore || res.messages.length === 0) return;
    for (const m of res.messages) since[m.conversationId] = Math.max(since[m.conversationId] ?? 0, m.rev);
  }
}

/** Catches up after a connect; one at a time per client, and once more when a connect came meanwhile. */
async function catchUp(c: Client): Promise<void> {
  if (c.syncing) {
    c.syncAgain = true;
    return;
  }
  c.syncing = true;
  try {
    for (;;) {
      c.syncAgain = false;
      try {
        await syncOnce(c);
        if (!c.syncAgain) {
          c.ready = true;
          if (armed && c.times.reconnectedAt !== null) c.times.syncedAt ??= now();
          return;
        }
      } catch {
        if (armed) c.times.syncFailures++;
        if (!c.socket.connected) return; // the next connect catches up
        await sleep(SYNC_RETRY_MS);
      }
    }
  } finally {
    c.syncing = false;
  }
}

function openClient(url: string, user: BenchUser): Client {
  // forceNew: one connection per client, as one per page (io() would otherwise share a Manager per URL)
  const socket: ChatSocket = openSocket({ io, url, options: { forceNew: true, extraHeaders: { cookie: user.cookie } } });
  const queue: OutgoingMessage[] = [];
  const c: Client = { user, socket, queue, outbox: undefined as unknown as Outbox, held: new Map(), cursor: { [user.groupId]: 0, [user.directId]: 0 }, syncing: false, syncAgain: false, ready: false, times: freshTimes() };
  c.outbox = new Outbox({
    // the outbox reads only `outbox` of the state, and dispatches status changes and acknowledged messages
    getState: () => ({ outbox: queue }) as unknown as ChatState,
    dispatch: (action: ChatAction) => onOutboxAction(c, action),
    getSocket: () => socket,
  });
  socket.on("message:new", (m) => receive(c, m));
  socket.on("message:updated", (m) => receive(c, m));
  socket.on("connect", () => {
    if (armed && c.times.disconnectedAt !== null) c.times.reconnectedAt ??= now();
    void catchUp(c);
    c.outbox.resume();
  });
  socket.on("disconnect", () => {
    if (!armed) return;
    if (c.times.disconnectedAt === null) c.times.disconnectedAt = now();
    else if (c.times.reconnectedAt !== null) c.times.flaps++;
  });
  socket.on("connect_error", (err) => {
    if (armed) {
      c.times.connectErrors++;
      connectErrorKinds[err.message] = (connectErrorKinds[err.message] ?? 0) + 1;
    }
    firstConnectError ??= err.message;
    // a refusal by the server's middleware is not retried by socket.io-client itself (connection.ts)
    if (!socket.active && err.message !== "unauthorized" && err.message !== "forbidden") setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
  });
  socket.io.on("reconnect_attempt", () => armed && c.times.attempts++);
  return c;
}

function onOutboxAction(c: Client, action: ChatAction): void {
  if (action.type === "outbox:status") {
    const o = c.queue.find((x) => x.clientId === action.clientId);
    if (o) Object.assign(o, { status: action.status, error: action.error });
  } else if (action.type === "messages") {
    for (const m of action.messages) {
      const i = c.queue.findIndex((x) => x.clientId === m.clientId);
      if (i >= 0) c.queue.splice(i, 1);
      const sent = sends.get(m.clientId);
      if (sent && !sent.ack) sent.ack = { id: m.id, seq: m.seq, at: now() };
    }
  }
}

/** Opens the sockets of users [from, to), CONNECT_CONCURRENCY at a time, each done once its first catch-up is. */
async function connect(url: string, from: number, to: number): Promise<StormConnectResult> {
  const started = Date.now();
  const todo = workload.users.slice(from, to);
  let failed = 0;
  const worker = async () => {
    for (let user = todo.shift(); user; user = todo.shift()) {
      const c = openClient(url, user);
      clients.push(c);
      const deadline = Date.now() + 60_000;
      while (!c.ready && Date.now() < deadline) await sleep(20);
      if (!c.ready) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  return { connected: clients.filter((c) => c.socket.connected && c.ready).length, failed, firstError: firstConnectError, ms: Date.now() - started };
}

function sendOne(): void {
  const c = clients[Math.floor(Math.random() * clients.length)];
  const clientId = randomUUID();
  const sentAt = now();
  sends.set(clientId, { clientId, senderId: c.user.id, conversationId: c.user.groupId, sentAt });
  c.queue.push({ clientId, conversationId: c.user.groupId, body: `storm ${sentAt}`, createdAt: new Date(sentAt).toISOString(), status: "pending" });
  c.outbox.start(clientId);
}

/** Sends `rate` messages a second, spread evenly (a 10 ms timer); 0 stops. */
function trickle(rate: number): void {
  clearInterval(trickleTimer);
  if (rate <= 0 || !clients.length) return;
  const start = now();
  let n = 0;
  trickleTimer = setInterval(() => {
    const due = Math.floor((rate * (now() - start)) / 1000);
    for (; n < due; n++) sendOne();
  }, 10);
}

function progress(): StormProgress {
  let connected = 0;
  let reconnected = 0;
  let synced = 0;
  for (const c of clients) {
    if (c.socket.connected) connected++;
    if (c.times.reconnectedAt !== null) reconnected++;
    if (c.times.syncedAt !== null) synced++;
  }
  return { event: "progress", at: now(), connected, reconnected, synced };
}

function arm(): void {
  for (const c of clients) c.times = freshTimes();
  armed = true;
  firstConnectError = undefined;
  loopDelay.reset();
  loopDelay.enable();
  progressTimer = setInterval(() => process.send?.(progress()), 250);
}

async function drain(timeoutMs: number): Promise<DrainResult> {
  const started = Date.now();
  const left = () => clients.reduce((sum, c) => sum + c.queue.length, 0);
  while (left() > 0 && Date.now() - started < timeoutMs) await sleep(50);
  const queued = clients.flatMap((c) => c.queue);
  return { sends: [...sends.values()], pending: queued.filter((o) => o.status === "pending").length, failed: queued.filter((o) => o.status === "failed").length, ms: Date.now() - started };
}

function report(): ReportResult {
  clearInterval(progressTimer);
  loopDelay.disable();
  return { clients: clients.map((c) => c.times), firstConnectError, connectErrorKinds, loopDelayP99: loopDelay.percentile(99) / 1e6 };
}

/** What each client holds against the stored rows of its conversations. */
function check(messages: StoredMessage[]): CheckResult {
  const byConversation = new Map<string, StoredMessage[]>();
  const known = new Set<string>();
  for (const m of messages) {
    known.add(m.id);
    const list = byConversation.get(m.conversationId);
    if (list) list.push(m);
    else byConversation.set(m.conversationId, [m]);
  }
  const result: CheckResult = { clients: clients.length, expected: 0, missing: 0, away: 0, awaiting: 0, rawDuplicates: 0, doubled: 0, unknown: 0 };
  for (const c of clients) {
    // a client still disconnected (the storm outlasted the bench's wait) has not had its chance to catch up
    const back = c.socket.connected && !c.syncing && (!armed || c.times.syncedAt !== null);
    if (!back) result.away++;
    for (const id of [c.user.groupId, c.user.directId]) {
      for (const m of byConversation.get(id) ?? []) {
        if (!back) {
          if (!c.held.has(m.id)) result.awaiting++;
          continue;
        }
        result.expected++;
        if (!c.held.has(m.id)) result.missing++;
      }
    }
    const bySend = new Set<string>();
    const bySeq = new Set<string>();
    for (const [id, h] of c.held) {
      result.rawDuplicates += h.count - 1;
      if (!known.has(id)) result.unknown++;
      const send = `${h.senderId}|${h.clientId}`;
      const seq = `${h.conversationId}|${h.seq}`;
      if (bySend.has(send) || bySeq.has(seq)) result.doubled++;
      bySend.add(send);
      bySeq.add(seq);
    }
  }
  return result;
}

function reply(message: StormReply | StormProgress): void {
  process.send?.(message);
}

process.on("message", (raw: { id: number } & StormCommand) => {
  const run = async (): Promise<unknown> => {
    switch (raw.cmd) {
      case "connect":
        return connect(raw.url, raw.from, raw.to);
      case "trickle":
        return trickle(raw.rate);
      case "arm":
        return arm();
      case "drain":
        return drain(raw.timeoutMs);
      case "report":
        return report();
      case "check":
        return check(raw.messages);
      case "exit":
        trickle(0);
        for (const c of clients) c.socket.close();
        setTimeout(() => process.exit(0), 100);
        return null;
    }
  };
  run().then(
    (result) => reply({ id: raw.id, result: result ?? null }),
    (err: Error) => reply({ id: raw.id, error: err.stack ?? String(err) }),
  );
});
process.on("disconnect", () => process.exit(0)); // storm.ts is gone: stop too
