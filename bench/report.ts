/**
 * Writes docs/benchmarks.md and docs/benchmark-latency.svg from one run's results. The hand-written
 * notes between the `notes` markers of an existing docs/benchmarks.md are kept across runs.
 */
import fs from "node:fs";
import path from "node:path";
import { latencyChart } from "./chart";
import type { Machine } from "./machine";
import { LATE_WAIT_MS, type ConnectResult, type ServerKind, type StepResult } from "./protocol";
import { searchSection, type SearchBenchResults } from "./search-report";
import { growthSection, type GrowthResults } from "./growth-report";
import { stormSection, type StormResults } from "./storm";
import type { Summary } from "./stats";

export interface Measured extends StepResult {
  /** % of one core during the measured window */
  cpu: { server: number; load: number; postgres: number; machine: number };
  rssMB: number;
  /** Parley's group commits in the window (bench/writer-trace.ts) */
  writer?: { batchesPerS: number; meanSize: number; commit: Summary; transaction: Summary };
  /** 2 when the step broke the bound and was run once more (the better try is kept) */
  attempts: number;
  /** the other try's lost and doubled deliveries, when there were two: they count in the totals too */
  otherTry?: { lost: number; neverArrived: number; duplicates: number };
}

export interface ServerRun {
  kind: ServerKind;
  connect: ConnectResult;
  main: Measured;
  ramp: Measured[];
  maxSustainable: number;
  /** every ramp step passed: the real limit is higher */
  rampExhausted: boolean;
}

export interface IdlePoint {
  target: number;
  connected: number;
  failed: number;
  connectMs: number;
  rssMB: number;
  /** V8 heap in use after a forced full collection */
  heapUsedMB: number;
}

export interface BenchResults {
  date: string;
  machine: Machine;
  workload: {
    users: number;
    main: { rate: number; warmupMs: number; durationMs: number };
    ramp: { rates: number[]; warmupMs: number; durationMs: number };
    p99BoundMs: number;
  };
  relay: ServerRun;
  parley: ServerRun;
  /** Parley with WEB_CONCURRENCY = count (issue 15 item 2), in the same turns as the other two */
  workers?: { count: number; run: ServerRun };
  /** `npm run bench -- --quick`: every step smaller (bench/run.ts QUICK), no second tries */
  quick?: boolean;
  /** two Parley nodes on one Redis, sockets split between them (issue 15 item 7); absent without Redis */
  nodes?: ServerRun;
  idle: IdlePoint[];
  /** the search step (bench/search.ts) */
  search?: SearchBenchResults;
  /** the reconnect storm (bench/storm.ts, issue 15 item 5) */
  storm?: StormResults;
  /** history growing to 10M messages (bench/growth.ts, issue 15 item 6) */
  growth?: GrowthResults;
  totalSeconds: number;
}

const NOTES_START = "<!-- notes:start (hand-written, kept by npm run bench) -->";
const NOTES_END = "<!-- notes:end -->";
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–");
const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} %` : "–");
const limit = (run: ServerRun) => `${run.rampExhausted ? "≥ " : ""}${int(run.maxSustainable)}`;

export function kbPerSocket(idle: IdlePoint[], key: "rssMB" | "heapUsedMB" = "rssMB"): number {
  const first = idle[0];
  const last = idle[idle.length - 1];
  return ((last[key] - first[key]) * 1024) / Math.max(1, last.connected - first.connected);
}

/**
 * The server's CPU per delivery in µs: its CPU over the measured window divided by the deliveries
 * made (each message goes to the 9 other members; per message sent it is 9 times this). Issue 15,
 * item 1 bounds Parley's at 1.3 × the relay's at the same rate.
 */
export const cpuPerDeliveryUs = (m: Measured) => (m.deliveriesPerS > 0 ? ((m.cpu.server / 100) * 1e6) / m.deliveriesPerS : NaN);
/** Issue 15, item 1: Parley's server CPU per delivery at most this many times the relay's. */
const CPU_PER_DELIVERY_BOUND = 1.3;

/** CPU used by processes other than the server, PostgreSQL and the load generator (other tenants). */
const others = (m: Measured) => Math.max(0, m.cpu.machine - m.cpu.server - m.cpu.load - m.cpu.postgres); // ≥ 0: tick rounding

function mainTable(r: BenchResults): string {
  const { parley: p, relay: q } = r;
  const row = (name: string, a: string, b: string, ratio = "") => `| ${name} | ${a} | ${b} | ${ratio} |`;
  const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : "–");
  return [
    "| | Parley | relay | Parley / relay |",
    "|---|---:|---:|---:|",
    row("acked messages/s", int(p.main.ackedPerS), int(q.main.ackedPerS), ratio(p.main.ackedPerS, q.main.ackedPerS)),
    row("deliveries/s (to the 9 others)", int(p.main.deliveriesPerS), int(q.main.deliveriesPerS), ratio(p.main.deliveriesPerS, q.main.deliveriesPerS)),
    row("ack latency p50 / p95 / p99 / max (ms)", latencies(p.main.ack), latencies(q.main.ack)),
    row(`end-to-end p50 / p95 / p99 / max (ms)${p.main.attempts > 1 || q.main.attempts > 1 ? " (² = second try)" : ""}`, latencies(p.main.e2e) + (p.main.attempts > 1 ? " ²" : ""), latencies(q.main.e2e) + (q.main.attempts > 1 ? " ²" : ""), ratio(p.main.e2e.p99, q.main.e2e.p99) + " (p99)"),
    row("lost deliveries / duplicates / unacked", `${p.main.lost} / ${p.main.duplicates} / ${p.main.unacked}`, `${q.main.lost} / ${q.main.duplicates} / ${q.main.unacked}`),
    row("server CPU (% of one core)", pct(p.main.cpu.server), pct(q.main.cpu.server)),
    row("server CPU per delivery (µs)", ms(cpuPerDeliveryUs(p.main)), ms(cpuPerDeliveryUs(q.main)), ratio(cpuPerDeliveryUs(p.main), cpuPerDeliveryUs(q.main))),
    row("PostgreSQL CPU (all backends)", pct(p.main.cpu.postgres), "–"),
    row("load generator CPU", pct(p.main.cpu.load), pct(q.main.cpu.load)),
    row("load generator event-loop delay p99 (ms)", ms(p.main.loadLoopDelayP99), ms(q.main.loadLoopDelayP99)),
    row("CPU of other processes on the machine", pct(others(p.main)), pct(others(q.main))),
    row("server RSS after the run (MB)", p.main.rssMB.toFixed(0), q.main.rssMB.toFixed(0)),
    row(`max sustainable rate, p99 e2e ≤ ${r.workload.p99BoundMs} ms (ramp)`, limit(p), limit(q), throughputRatio(r).text),
  ].join("\n");
}

function latencies(s: { p50: number; p95: number; p99: number; max: number }): string {
  return `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}`;
}

function rampTable(r: BenchResults): string {
  const cells = (m?: Measured) =>
    m
      ? `${int(m.ackedPerS)} | ${ms(m.e2e.p50)} | **${ms(m.e2e.p99)}**${m.attempts > 1 ? " ²" : ""} | ${ms(m.ack.p99)} | ${lostText(m)}/${m.duplicates} | ${pct(m.cpu.server)} | ${pct(m.cpu.postgres)} | ${pct(others(m))}`
      : "– | – | – | – | – | – | – | –";
  const lines = [
    "| rate | Parley acked/s | e2e p50 | e2e p99 | ack p99 | lost/dup | server CPU | pg CPU | others' CPU | relay acked/s | e2e p50 | e2e p99 | ack p99 | lost/dup | server CPU | pg CPU | others' CPU |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const rate of r.workload.ramp.rates) {
    const find = (run: ServerRun) => run.ramp.find((m) => m.rate === rate);
    lines.push(`| ${int(rate)} | ${cells(find(r.parley))} | ${cells(find(r.relay))} |`);
  }
  return lines.join("\n");
}

function writerTable(r: BenchResults): string {
  const lines = [
    "| rate | batches/s | messages per batch | transaction p50 / p99 (ms) | whole batch p50 / p99 / max (ms) | e2e p50 / p99 (ms) | server CPU | pg CPU |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const m of [r.parley.main, ...r.parley.ramp]) {
    const w = m.writer;
    if (!w) continue;
    const c = w.commit;
    lines.push(`| ${int(m.rate)}${m === r.parley.main ? " (main)" : ""} | ${int(w.batchesPerS)} | ${w.meanSize.toFixed(1)} | ${ms(w.transaction.p50)} / ${ms(w.transaction.p99)} | ${ms(c.p50)} / ${ms(c.p99)} / ${ms(c.max)} | ${ms(m.e2e.p50)} / ${ms(m.e2e.p99)} | ${pct(m.cpu.server)} | ${pct(m.cpu.postgres)} |`);
  }
  return lines.join("\n");
}

function idleTable(idle: IdlePoint[]): string {
  const base = idle[0];
  const lines = [
    "| sockets | server RSS (MB) | RSS growth (MB) | RSS KB per socket | V8 heap (MB) | heap KB per socket | connect time |",
    "|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const p of idle) {
    const growth = p.rssMB - base.rssMB;
    const per = (mb: number) => (p.connected ? ((mb * 1024) / p.connected).toFixed(1) : "–");
    const time = p.connectMs ? `${(p.connectMs / 1000).toFixed(1)} s` : "–";
    lines.push(
      `| ${int(p.connected)}${p.failed ? ` (${p.failed} failed)` : ""} | ${p.rssMB.toFixed(1)} | ${growth.toFixed(1)} | ${per(growth)} | ${p.heapUsedMB.toFixed(1)} | ${per(p.heapUsedMB - base.heapUsedMB)} | ${time} |`,
    );
  }
  return lines.join("\n");
}

/** Parley / relay max sustainable rate, worded for the cases where a ramp never broke. */
function throughputRatio(r: BenchResults): { value: number; text: string } {
  const value = r.parley.maxSustainable / Math.max(1, r.relay.maxSustainable);
  if (r.parley.rampExhausted && r.relay.rampExhausted) return { value, text: `${value.toFixed(2)}: both sustain every ramp step` };
  if (r.relay.rampExhausted) return { value, text: `≤ ${value.toFixed(2)} (the relay never broke: its limit is a lower bound)` };
  return { value, text: value.toFixed(2) };
}

function targets(r: BenchResults): string {
  const p = r.parley;
  const at2000 = p.ramp.find((m) => m.rate === 2000);
  const ratio = throughputRatio(r).value;
  const top = r.idle[r.idle.length - 1];
  const kb = kbPerSocket(r.idle);
  const mark = (ok: boolean) => (ok ? "**met**" : "**missed**");
  return [
    "| target (issue 5) | measured | |",
    "|---|---|---|",
    `| ≥ 2,000 persisted msgs/s into groups of 10 with p99 e2e ≤ ${r.workload.p99BoundMs} ms | max sustainable ${limit(p)} msgs/s; at 2,000 msgs/s p99 ${ms(at2000?.e2e.p99 ?? p.main.e2e.p99)} ms | ${mark(p.maxSustainable >= 2000)} |`,
    `| throughput ≥ 0.5 × relay at an equal latency bound (p99 e2e ≤ ${r.workload.p99BoundMs} ms) | ${limit(p)} vs ${limit(r.relay)} msgs/s: ${throughputRatio(r).text} | ${mark(ratio >= 0.5)} |`,
    `| 10,000 sockets with RSS growth ≤ 20 KB/socket | ${int(top.connected)} sockets, ${kb.toFixed(1)} KB/socket | ${mark(top.connected >= 10_000 && kb <= 20)} |`,
    "",
    "| target (issue 15) | measured | |",
    "|---|---|---|",
    ...cpuTargetRows(r, mark),
    `| memory per idle socket ≤ 8 KB at 10,000 sockets | ${int(top.connected)} sockets, ${kb.toFixed(1)} KB/socket of RSS (${kbPerSocket(r.idle, "heapUsedMB").toFixed(1)} KB of heap) | ${mark(top.connected >= 10_000 && kb <= 8)} |`,
  ].join("\n");
}

/** Issue 15 item 1's rows: server CPU per delivery, Parley against the relay, in the main run and at each ramp step both ran. */
function cpuTargetRows(r: BenchResults, mark: (ok: boolean) => string): string[] {
  const row = (what: string, p: Measured, q: Measured) => {
    const ratio = cpuPerDeliveryUs(p) / cpuPerDeliveryUs(q);
    return `| server CPU per delivery ≤ ${CPU_PER_DELIVERY_BOUND} × the relay's, ${what} | ${ms(cpuPerDeliveryUs(p))} vs ${ms(cpuPerDeliveryUs(q))} µs: × ${ratio.toFixed(2)} | ${mark(ratio <= CPU_PER_DELIVERY_BOUND)} |`;
  };
  const rows = [row(`main run, ${int(r.workload.main.rate)} msgs/s`, r.parley.main, r.relay.main)];
  for (const p of r.parley.ramp) {
    const q = r.relay.ramp.find((m) => m.rate === p.rate);
    if (q) rows.push(row(`ramp, ${int(p.rate)} msgs/s`, p, q));
  }
  return rows;
}

/** The WEB_CONCURRENCY that did best on this machine: the higher sustainable rate, then the lower p99 in the main run (ties: fewer processes). */
export function bestWorkers(r: BenchResults): number {
  const w = r.workers;
  if (!w) return 1;
  const one = r.parley;
  const many = w.run;
  // (with --quick the workers run the ramp's first step alone, which says nothing of how far they go: the main run decides)
  if (!r.quick && many.maxSustainable !== one.maxSustainable) return many.maxSustainable > one.maxSustainable ? w.count : 1;
  return many.main.e2e.p99 < one.main.e2e.p99 ? w.count : 1;
}

/** One-process Parley against `other` (workers, or two nodes), step by step, with the relay beside them. */
function sideBySide(r: BenchResults, label: string, other: ServerRun): string {
  const lines = [
    `| rate (msgs/s) | relay p99 | Parley, 1 process: p99 | ${label}: p99 | lost, ${label} | server CPU, 1 | server CPU, ${label} | machine CPU, 1 | machine CPU, ${label} |`,
    "|---|---|---|---|---|---|---|---|---|",
  ];
  const cell = (m: Measured | undefined, f: (m: Measured) => string) => (m ? f(m) : "–");
  const row = (rate: string, q: Measured | undefined, one: Measured | undefined, many: Measured | undefined) =>
    `| ${rate} | ${cell(q, (m) => ms(m.e2e.p99))} | ${cell(one, (m) => ms(m.e2e.p99))} | ${cell(many, (m) => ms(m.e2e.p99))} | ${cell(many, lostText)} | ${cell(one, (m) => pct(m.cpu.server))} | ${cell(many, (m) => pct(m.cpu.server))} | ${cell(one, (m) => pct(m.cpu.machine))} | ${cell(many, (m) => pct(m.cpu.machine))} |`;
  lines.push(row(`${int(r.workload.main.rate)} (main run)`, r.relay.main, r.parley.main, other.main));
  for (const rate of r.workload.ramp.rates) {
    const at = (run: ServerRun) => run.ramp.find((m) => m.rate === rate);
    if (at(r.parley) || at(other)) lines.push(row(int(rate), at(r.relay), at(r.parley), at(other)));
  }
  return `${lines.join("\n")}

Max sustainable send rate (p99 e2e ≤ ${r.workload.p99BoundMs} ms): 1 process ${limit(r.parley)} msgs/s, ${label} ${limit(other)} msgs/s, relay ${limit(r.relay)} msgs/s.
Server CPU is every process of the server (a cluster's primary and its workers; both nodes).`;
}

/** Issue 15 item 2: one process against WEB_CONCURRENCY workers, and the setting that did best. */
function workersSection(r: BenchResults): string {
  if (!r.workers) return "_Not measured in this run._";
  return `${sideBySide(r, `${r.workers.count} workers`, r.workers.run)}
**Best setting on this machine: WEB_CONCURRENCY=${bestWorkers(r)}** (the higher sustainable rate, then the lower p99 in the main run${r.quick ? "; with --quick, the main run alone" : ""}).`;
}

/** A step's lost deliveries, with the other try's when the step ran twice (the table keeps the better try). */
const lostText = (m: Measured) => int(m.lost) + (m.otherTry ? ` (other try ${int(m.otherTry.lost)})` : "");

/** Issue 15 item 7: two nodes on one Redis against one node. */
function nodesSection(r: BenchResults): string {
  if (!r.nodes) return "_Not measured in this run: no Redis answered at REDIS_URL._";
  const steps = [r.nodes.main, ...r.nodes.ramp];
  const lost = steps.reduce((sum, m) => sum + m.lost + (m.otherTry?.lost ?? 0), 0);
  const never = steps.reduce((sum, m) => sum + m.neverArrived + (m.otherTry?.neverArrived ?? 0), 0);
  const dup = steps.reduce((sum, m) => sum + m.duplicates + (m.otherTry?.duplicates ?? 0), 0);
  return `${sideBySide(r, "2 nodes", r.nodes)}
Over every step of the two nodes, both tries of a repeated step counted: **${int(lost)} lost, ${int(dup)} doubled** (lost: an
acknowledged message some member's socket had not received when the step's 10 s drain ended, which an overloaded server's late
deliveries also are)${lost === 0 ? "" : `; of those, **${int(never)} never arrived** in a further ${LATE_WAIT_MS / 1000} s (the rest came late)`}. Half of each group's members are on the other node, so about half of the deliveries cross nodes through Redis.`;
}

function keptNotes(file: string): string {
  const old = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const start = old.indexOf(NOTES_START);
  const end = old.indexOf(NOTES_END);
  if (start < 0 || end < start) return `${NOTES_START}\n_No notes yet._\n${NOTES_END}`;
  return old.slice(start, end + NOTES_END.length);
}

export function writeReport(r: BenchResults, root: string): void {
  const file = path.join(root, "docs", "benchmarks.md");
  const m = r.machine;
  const w = r.workload;
  const md = `# Benchmarks

Measured by \`npm run bench${r.quick ? " -- --quick" : ""}\` (bench/run.ts) on ${r.date.slice(0, 16).replace("T", " ")} UTC; the whole run took ${Math.round(r.totalSeconds)} s.
Everything above "Where the time goes" is generated; rerun the bench to refresh it.

## Machine
- ${m.cpus} CPUs: ${m.cpuModel}; ${m.memoryGB} GB memory; ${m.kernel}
- Node ${m.node}; ${m.postgres}
- The server under test, PostgreSQL and the load generator share these ${m.cpus} cores.

## Workload
- ${int(w.users)} users, seeded straight into a fresh database: 100 groups of 10 (each user in exactly one) and 500 direct
  pairs (user i with user i + 500), a session row and a minted next-auth cookie per user.
- Parley runs as in production (\`node --import tsx server.ts\`, \`NODE_ENV=production\`, \`RATE_LIMITS=off\`, pool of 10).
  The relay (bench/relay.ts) is a bare Socket.IO server: no authentication, no storage; it acks \`message:send\` at once
  and emits \`message:new\` to the group's room.
- A separate load process (bench/load.ts, socket.io-client, WebSocket transport) holds one socket per user and sends at a
  fixed total rate, spread evenly (a 1 ms timer loop), round-robin over the users in a shuffled order: each message goes to
  the sender's group with a fresh \`clientId\` and its send time in the body. Each message is delivered to the 9 other
  members (the sender's own echo is not counted).
- The two servers run side by side and take turns, step by step (relay, then Parley, at each rate), so that both
  meet the same neighbours. Main run: ${int(w.main.rate)} msgs/s, ${w.main.warmupMs / 1000} s warm-up, then ${w.main.durationMs / 1000} s measured. Ramp: ${w.ramp.rates.map(int).join(", ")} msgs/s,
  ${w.ramp.warmupMs / 1000} s warm-up + ${w.ramp.durationMs / 1000} s measured per step, stopping after the first step that breaks p99 e2e ≤ ${w.p99BoundMs} ms
  (or loses, doubles or leaves unacked anything). ${r.quick ? "With --quick every step is tried once" : "A step (the main run too) that breaks the bound is run once more and\n  the better try counts (marked ²)"}: other tenants' work shares these cores (the "others' CPU" column, from /proc/stat).
  Before each step the bench waits (up to ${r.quick ? "15 s" : "a minute"}) for the servers' search indexers to empty their queue: they index
  earlier steps' messages at a lower priority, and a backlog left by an overloaded step would otherwise be indexed during
  the next steps and counted in their CPU.
- Ack latency: send → acknowledgement (Parley: after commit). End-to-end: send → \`message:new\` at another member, both
  on the load process's clock. Percentiles are over messages sent in the measured window. Lost = expected deliveries
  − received after a drain of up to 10 s (a step with some missing then waits up to ${LATE_WAIT_MS / 1000} s more: those
  still missing never arrived, the rest came late); duplicates = the same message id twice at one socket. CPU from
  /proc/<pid>/stat over the measured window (100 % = one core); RSS from /proc/<pid>/status.

## Results at ${int(w.main.rate)} msgs/s

${mainTable(r)}

## Ramp

${rampTable(r)}

Max sustainable send rate with p99 end-to-end ≤ ${w.p99BoundMs} ms: Parley ${limit(r.parley)} msgs/s, relay ${limit(r.relay)} msgs/s.

![p50 and p99 end-to-end latency against send rate](benchmark-latency.svg)

Parley's group commits, timed in the server by bench/writer-trace.ts. A batch of text messages is one round trip to
PostgreSQL: BEGIN, the senders held, the conversations locked, one statement that checks the items (memberships, stored
clientIds), takes the positions from the touched conversations and stores the messages, and COMMIT, sent together (a
batch with replies or files waits two or more times). The whole batch
adds emitting every message to its room and answering every sender, and the writer starts the next batch only after that:

${writerTable(r)}

## Workers (WEB_CONCURRENCY)

${r.quick ? "The main step and the ramp's first step (--quick)" : "The same steps"} against \`npm start\` with several workers (cluster.ts: connections passed to the workers in turn, polling sessions routed by slot, the cluster adapter), started on the
same database once the relay and the one-process server are done, and alone: it is started for its turn and stopped after it.

${workersSection(r)}

## Two nodes (Redis adapter)

Two Parley processes on the same database and one Redis (\`REDIS_URL\`, the Socket.IO Redis adapter), socket i on node
i % 2, so each group of 10 has members on both; ${r.quick ? "the main step and the ramp's first step" : "same steps"}, after the workers, started for their turn alone. docs/scaling.md builds on these figures.

${nodesSection(r)}

## Idle sockets (Parley)

Sockets connected in steps (10 per user at 10,000, all cookie-authenticated, each in 4 rooms: user, session, group,
direct pair); after a 5 s pause with no traffic the bench forces two full garbage collections in the server (through
the V8 inspector) and reads its RSS and V8 heap. The 0-socket point is taken after the load runs, so the server is warm.

${idleTable(r.idle)}

RSS growth: **${kbPerSocket(r.idle).toFixed(1)} KB per socket** from 0 to ${int(r.idle[r.idle.length - 1].connected)} sockets, of which the V8 heap
${kbPerSocket(r.idle, "heapUsedMB").toFixed(1)} KB.

${r.search ? searchSection(r.search) : "## Search\n\n_Not measured in this run._\n"}
${r.storm ? stormSection(r.storm) : "## Reconnect storm\n\n_Not measured in this run._\n"}
${r.growth ? growthSection(r.growth) : "## Flat as data grows\n\n_Not measured in this run._\n"}
## Targets

${targets(r)}

## Where the time goes

${keptNotes(file)}

## Reproduce

\`\`\`sh
npm install
npm run bench                        # builds if needed; ${r.quick ? "about an hour" : `${Math.round(r.totalSeconds / 60)} minutes for this file`}, most of it growing to 10,000,000 messages; writes this file, the charts, docs/search-plans.md, docs/growth.md and docs/growth-plans.md
npm run bench -- --quick             # under 5 minutes${r.quick ? ` (${Math.round(r.totalSeconds)} s for this file)` : ""}: shorter steps, 3 ramp rates, smaller search, storm and growth steps; writes this file and the charts
npm run bench:search                 # the search step alone, on its own database; prints its section
BENCH_RATE=1000 npm run bench        # the main run at another rate
BENCH_CPU_PROF=prof npm run bench    # also writes a V8 CPU profile of the Parley server into prof/
BENCH_ONLY=main BENCH_ROUNDS=3 npm run bench   # only the main step, relay and Parley taking turns 3 times: CPU per delivery and the ratio, no report
BENCH_ONLY=idle BENCH_IDLE_SNAPSHOT=snap npm run bench -- --quick   # heap snapshots at each idle step; then npx tsx bench/heap-summary.ts snap/idle-0.heapsnapshot snap/idle-10000.heapsnapshot 10000
\`\`\`
`;
  fs.writeFileSync(file, md);
  const series = (run: ServerRun, label: string, color: string) => [
    { label: `${label} p99`, color, points: run.ramp.map((s) => ({ x: s.rate, y: s.e2e.p99 })) },
    { label: `${label} p50`, color, dashed: true, points: run.ramp.map((s) => ({ x: s.rate, y: s.e2e.p50 })) },
  ];
  const svg = latencyChart([...series(r.parley, "Parley", "#2563eb"), ...(r.workers ? series(r.workers.run, `Parley ×${r.workers.count} workers`, "#16a34a") : []), ...(r.nodes ? series(r.nodes, "Parley, 2 nodes", "#9333ea") : []), ...series(r.relay, "relay", "#ea580c")], {
    title: "End-to-end delivery latency, groups of 10",
    xMax: Math.max(...w.ramp.rates),
    boundMs: w.p99BoundMs,
  });
  fs.writeFileSync(path.join(root, "docs", "benchmark-latency.svg"), svg);
}
