/**
 * The attacker of tests/realtime/flood.test.ts, in a process of its own (run by tsx), so that the
 * flood's own work (emitting thousands of events, reading the answers and the fan-out to the crowd's
 * sockets) does not share an event loop with the test that measures the bystander's latency.
 *
 * Reads one JSON line of FloodPlan on stdin; connects the crowd's sockets and prints "ready"; on the
 * line "go" floods (bounded, see FloodPlan) until the line "stop" or a bound, then prints one line
 * "done <json>" with what it did, and exits.
 */
import { randomUUID } from "node:crypto";
import readline from "node:readline";
import { io, type Socket } from "socket.io-client";

export interface FloodPlan {
  url: string;
  /** the attacker's session cookie */
  cookie: string;
  /** crowd members' cookies, each opened `socketsPerCrowdUser` times (they sit in the group's room) */
  crowdCookies: string[];
  socketsPerCrowdUser: number;
  groupId: string;
  /** two of the attacker's messages in the group: one is edited, one deleted over and over */
  ownMessageIds: [string, string];
  /** put into every group the attacker creates */
  strangerId: string;
  floodSockets: number;
  /** per flooding socket: `batch` events every `pauseMs`, at most `maxEvents` */
  batch: number;
  pauseMs: number;
  maxEvents: number;
  /** flooding sockets the server disconnects are replaced, at most this many times in all */
  maxReconnects: number;
  /** HTTP requests in flight at once, and in all */
  httpConcurrency: number;
  maxRequests: number;
  maxMs: number;
}

export interface FloodReport {
  events: number;
  acks: number;
  rateLimitedAcks: number;
  requests: number;
  statuses: Record<string, number>;
  reconnects: number;
  crowdFrames: number;
  /** whether every flooding socket and HTTP loop was still going when "stop" came */
  stillFlooding: boolean;
  ms: number;
}

function connect(url: string, cookie: string): Socket {
  return io(url, { path: "/socket.io", transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
}
const opened = (s: Socket) =>
  new Promise<void>((resolve, reject) => {
    if (s.connected) return resolve();
    s.once("connect", () => resolve());
    s.once("connect_error", reject);
  });

async function main() {
  const lines = readline.createInterface({ input: process.stdin });
  const next = (() => {
    const queue: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    lines.on("line", (l) => (waiters.length ? waiters.shift()!(l) : queue.push(l)));
    return () => new Promise<string>((r) => (queue.length ? r(queue.shift()!) : waiters.push(r)));
  })();
  const plan = JSON.parse(await next()) as FloodPlan;

  const report: FloodReport = { events: 0, acks: 0, rateLimitedAcks: 0, requests: 0, statuses: {}, reconnects: 0, crowdFrames: 0, stillFlooding: false, ms: 0 };
  const crowd = plan.crowdCookies.flatMap((c) => Array.from({ length: plan.socketsPerCrowdUser }, () => connect(plan.url, c)));
  await Promise.all(crowd.map(opened));
  for (const s of crowd) s.onAny(() => report.crowdFrames++);
  process.stdout.write("ready\n");
  if ((await next()) !== "go") return;

  const started = Date.now();
  let stop = false;
  const going = () => !stop && Date.now() - started < plan.maxMs;
  void next().then(() => (stop = true));
  const ack = (a: { ok?: boolean; error?: { code?: string } }) => {
    report.acks++;
    if (a?.error?.code === "rate_limited") report.rateLimitedAcks++;
  };
  const [edited, deleted] = plan.ownMessageIds;
  const kinds: [string, (() => unknown) | null][] = [
    ["message:edit", () => ({ messageId: edited, body: `edit ${randomUUID()}` })],
    ["message:delete", () => ({ messageId: deleted })],
    ["typing", () => ({ conversationId: plan.groupId, typing: true })],
    ["typing", () => ({ conversationId: plan.groupId, typing: false })],
    ["conversation:read", () => ({ conversationId: plan.groupId, seq: 1 + Math.floor(Math.random() * 5) })],
    ["sync", () => ({ since: { [plan.groupId]: 0 } })],
    ["ping", null],
    ["no:such-event", () => ({ junk: true })],
  ];

  let active = 0;
  const flooders = Array.from({ length: plan.floodSockets }, async () => {
    active++;
    let s = connect(plan.url, plan.cookie);
    await opened(s).catch(() => {});
    for (let sent = 0; sent < plan.maxEvents && going(); ) {
      if (!s.connected) {
        if (++report.reconnects > plan.maxReconnects) break;
        s = connect(plan.url, plan.cookie);
        await opened(s).catch(() => {});
        continue;
      }
      for (let i = 0; i < plan.batch; i++, sent++, report.events++) {
        const [event, payload] = kinds[sent % kinds.length];
        if (payload) s.emit(event, payload(), ack);
        else s.emit(event, ack);
      }
      await new Promise((r) => setTimeout(r, plan.pauseMs));
    }
    if (going()) active--;
    s.disconnect();
  });
  let requests = 0;
  const http = Array.from({ length: plan.httpConcurrency }, async () => {
    active++;
    while (requests < plan.maxRequests && going()) {
      const n = requests++;
      const [path, method, body] =
        n % 2
          ? [`/api/conversations/${plan.groupId}`, "PATCH", { title: `Crowd ${n}` }]
          : ["/api/conversations", "POST", { kind: "group", title: `Spam ${n}`, memberIds: [plan.strangerId] }];
      const res = await fetch(`${plan.url}${path}`, { method, headers: { cookie: plan.cookie, "content-type": "application/json" }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
    }
    if (going()) active--;
  });
  // "stop" arrives while they run; whoever is still going then counts as flooding
  while (!stop && Date.now() - started < plan.maxMs) await new Promise((r) => setTimeout(r, 5));
  report.stillFlooding = stop && active === plan.floodSockets + plan.httpConcurrency;
  stop = true;
  await Promise.all([...flooders, ...http]);
  report.requests = requests;
  report.ms = Date.now() - started;
  for (const s of crowd) s.disconnect();
  process.stdout.write(`done ${JSON.stringify(report)}\n`);
  process.exit(0);
}

main().catch((err) => {
  console.error("[flood-worker]", err);
  process.exit(1);
});
