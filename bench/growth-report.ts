/**
 * The growth bench's figures (bench/growth.ts) and their markdown: the section `growthSection`
 * (docs/growth.md, and for docs/benchmarks.md), and the generated docs/growth-plans.md. Pure
 * functions of the results, so a report can render them without loading the app.
 */
import type { Summary } from "./stats";

/** Latencies (ms) of one measured request kind, and the whole machine's CPU meanwhile (% of one core: ours and other tenants'). */
export interface Latency {
  latency: Summary;
  machineCpu: number;
  /** CPU per request (ms), from /proc: the server's process and PostgreSQL's (every backend; NaN when not ours to see) */
  cpuPerRequest: { server: number; postgres: number };
  /**
   * HTTP reads only: a request to a bare `node:http` server (bench/processes.ts startBareHttp) timed right
   * after each measured one, by the same client: the floor any HTTP answer had at those moments
   */
  floor?: Summary;
}

export interface DirectoryLengthPoint {
  /** letters typed */
  length: number;
  latency: Summary;
}

/** What was measured at one size (bench/growth-measure.ts). */
export interface MeasuredPoint {
  /** GET /api/conversations as the probe */
  list: Latency & { conversations: number };
  /** GET /api/users?q=…: 1–4 first letters of a name */
  directory: Latency & { byLength: DirectoryLengthPoint[]; meanResults: number };
  /** GET /api/conversations/:id/messages?before=…: `oldestTenth` the pages in the oldest tenth of their conversation */
  history: Latency & { oldestTenth: Summary; pageSize: number };
  /** the probe's whole catch-up by `sync` (requests repeated while hasMore) */
  sync: Latency & { missed: number; meanRequests: number; meanMessages: number };
  /** `message:send` ack latency at `rate` msgs/s */
  send: Latency & { rate: number; sent: number; unacked: number; errors: number };
}

/** One size: the data as measured, how it was grown, and the figures. */
export interface GrowthPoint extends MeasuredPoint {
  /** messages the bench seeded (the size's name) */
  messages: number;
  /** rows in `messages` when measured: the seeded ones, the sends of the smaller sizes, anything there before */
  tableMessages: number;
  /** messages in the probe's conversations, and in the largest of them */
  probeMessages: number;
  largestConversation: number;
  grow: { appended: number; reactions: number; copySeconds: number; searchSeconds: number; vacuumSeconds: number; totalSeconds: number };
  /** the group commits of the send phase (warm-up included), timed in the server (bench/writer-trace.ts): the transaction alone, ms */
  writer: { batches: number; meanSize: number; transaction: Summary };
  /** MB: the messages heap, with its TOAST and indexes, and message_search with its GIN index */
  storage: { tableMB: number; totalMB: number; searchMB: number };
}

/** One statement as auto_explain logged it (EXPLAIN ANALYZE, BUFFERS), inside one hot path. */
export interface PlanStatement {
  durationMs: number;
  query: string;
  parameters?: string;
  plan: string;
}

/** The statements one hot path ran, in order, as the domain function the endpoint calls ran them. */
export interface HotPathPlans {
  name: string;
  /** what was called, with what */
  call: string;
  statements: PlanStatement[];
}

export interface GrowthResults {
  date: string;
  /** `npm run bench:growth -- --quick` and the like: sizes below the stated one */
  quick: boolean;
  world: { users: number; conversations: number; groups: number; directs: number; memberships: number; probeConversations: number; probeGroups: number; largestGroup: number };
  machine: { sharedBuffers: string; postgres: string };
  points: GrowthPoint[];
  /** the hot paths' plans at the largest size (empty when not taken) */
  plans: HotPathPlans[];
  planSize: number;
  totalSeconds: number;
}

/** The acceptance line (issue 15, item 6): at 10,000,000 messages, each a p99. */
export const GROWTH_BOUNDS = { size: 10_000_000, baseSize: 10_000, sendRatio: 1.2, historyMs: 5, syncMs: 50, listMs: 20, directoryMs: 20 };

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–");
const size = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const pair = (s: Summary) => `${ms(s.p50)} / ${ms(s.p99)}`;

/** "(a bare HTTP server's p99 beside it: 7.6 ms, × 1.5)": an HTTP read's p99 next to its block's floor. */
const beside = (x: Latency) => (x.floor ? ` (a bare HTTP server's p99 beside it: ${ms(x.floor.p99)} ms; × ${(x.latency.p99 / x.floor.p99).toFixed(1)})` : "");

/** Whether each bound holds at the largest size (against the 10k point for the send ratio). */
export function growthBounds(r: GrowthResults): { label: string; measured: string; met: boolean }[] {
  const last = r.points[r.points.length - 1];
  const base = r.points.find((p) => p.messages === GROWTH_BOUNDS.baseSize) ?? r.points[0];
  if (!last) return [];
  const ratio = last.send.latency.p99 / base.send.latency.p99;
  const at = `at ${int(last.messages)}`;
  return [
    { label: `send p99 ${at} within × ${GROWTH_BOUNDS.sendRatio} of the ${int(base.messages)} figure`, measured: `${ms(last.send.latency.p99)} vs ${ms(base.send.latency.p99)} ms: × ${ratio.toFixed(2)}`, met: ratio <= GROWTH_BOUNDS.sendRatio },
    { label: `history page p99 ≤ ${GROWTH_BOUNDS.historyMs} ms`, measured: `${ms(last.history.latency.p99)} ms${beside(last.history)}`, met: last.history.latency.p99 <= GROWTH_BOUNDS.historyMs },
    { label: `sync of ${int(last.sync.missed)} missed messages p99 ≤ ${GROWTH_BOUNDS.syncMs} ms`, measured: `${ms(last.sync.latency.p99)} ms`, met: last.sync.latency.p99 <= GROWTH_BOUNDS.syncMs },
    { label: `conversation list p99 ≤ ${GROWTH_BOUNDS.listMs} ms`, measured: `${ms(last.list.latency.p99)} ms${beside(last.list)}`, met: last.list.latency.p99 <= GROWTH_BOUNDS.listMs },
    { label: `directory search p99 ≤ ${GROWTH_BOUNDS.directoryMs} ms`, measured: `${ms(last.directory.latency.p99)} ms${beside(last.directory)}`, met: last.directory.latency.p99 <= GROWTH_BOUNDS.directoryMs },
  ];
}

/** The figures by size: p50 / p99 of each request kind. */
export function growthTable(r: GrowthResults): string {
  const head = `| | ${r.points.map((p) => size(p.messages)).join(" | ")} |`;
  const rule = `|---|${r.points.map(() => "---:").join("|")}|`;
  const row = (label: string, f: (p: GrowthPoint) => string) => `| ${label} | ${r.points.map(f).join(" | ")} |`;
  return [
    head,
    rule,
    row("messages in the table", (p) => int(p.tableMessages)),
    row("in the probe's 200 conversations (largest)", (p) => `${int(p.probeMessages)} (${int(p.largestConversation)})`),
    row(`**send** ack, ${r.points[0]?.send.rate ?? "–"} msgs/s: p50 / p99 (ms)`, (p) => `**${pair(p.send.latency)}**`),
    row("… writer transaction p50 / p99 (ms; messages per batch)", (p) => `${pair(p.writer.transaction)} (${p.writer.meanSize.toFixed(1)})`),
    row("**history page** p50 / p99 (ms)", (p) => `**${pair(p.history.latency)}**`),
    row("… pages in the oldest tenth: p50 / p99 (ms)", (p) => pair(p.history.oldestTenth)),
    row(`**sync** of ${r.points[0]?.sync.missed ?? "–"} missed: p50 / p99 (ms)`, (p) => `**${pair(p.sync.latency)}**`),
    row("… `sync` requests per catch-up (mean)", (p) => p.sync.meanRequests.toFixed(1)),
    row("**conversation list** p50 / p99 (ms)", (p) => `**${pair(p.list.latency)}**`),
    row("**directory search** p50 / p99 (ms)", (p) => `**${pair(p.directory.latency)}**`),
    ...[1, 2, 3, 4].map((n) => row(`… ${n} letter${n > 1 ? "s" : ""}: p50 / p99 (ms)`, (p) => pair(p.directory.byLength.find((b) => b.length === n)!.latency))),
    row("the floor: a bare HTTP server after each read, p50 / p99 (ms): history / list / directory", (p) => [p.history, p.list, p.directory].map((x) => (x.floor ? pair(x.floor) : "–")).join(" · ")),
    row("CPU per request, server + PostgreSQL (ms): send / history / sync / list / directory", (p) =>
      [p.send, p.history, p.sync, p.list, p.directory].map((x) => `${ms(x.cpuPerRequest.server)}+${ms(x.cpuPerRequest.postgres)}`).join(" / "),
    ),
    row("machine CPU during sends / reads (% of one core)", (p) => `${int(p.send.machineCpu)} / ${int((p.history.machineCpu + p.sync.machineCpu + p.list.machineCpu + p.directory.machineCpu) / 4)}`),
    row("messages heap / with indexes / search (MB)", (p) => `${int(p.storage.tableMB)} / ${int(p.storage.totalMB)} / ${int(p.storage.searchMB)}`),
    row("grow: COPY / search documents / VACUUM (s)", (p) => `${p.grow.copySeconds.toFixed(0)} / ${p.grow.searchSeconds.toFixed(0)} / ${p.grow.vacuumSeconds.toFixed(0)}`),
  ].join("\n");
}

/** The hot paths' plans in brief: each statement's time and its plan's first line. */
function planSummary(r: GrowthResults): string {
  if (!r.plans.length) return "";
  const lines = r.plans.map((p) => {
    const steps = p.statements.map((s) => `${s.plan.split("\n")[0].replace(/\s+\(cost=.*$/, "").trim()} ${s.durationMs < 1 ? s.durationMs.toFixed(2) : ms(s.durationMs)} ms`);
    return `- ${p.name}: ${steps.join("; ")}`;
  });
  return `\nEXPLAIN (ANALYZE, BUFFERS) of every statement of each hot path at ${int(r.planSize)} messages (docs/growth-plans.md has them whole; each statement's top node and time):\n${lines.join("\n")}\n`;
}

/** The markdown section: workload, the table by size, the bounds (for docs/growth.md and docs/benchmarks.md). */
export function growthSection(r: GrowthResults, heading = "##"): string {
  const w = r.world;
  const last = r.points[r.points.length - 1];
  const mark = (ok: boolean) => (ok ? "**met**" : "**missed**");
  const stated = last && last.messages < GROWTH_BOUNDS.size ? `**The bounds are stated for ${int(GROWTH_BOUNDS.size)} messages; this run stopped at ${int(last.messages)}${r.quick ? " (`--quick`)" : ""}, so they are checked there.**\n\n` : "";
  return `${heading} Flat as data grows

Measured by bench/growth.ts on ${r.date.slice(0, 16).replace("T", " ")} UTC in ${(r.totalSeconds / 60).toFixed(1)} minutes; PostgreSQL ${r.machine.postgres}, shared_buffers ${r.machine.sharedBuffers}.

${stated}One database grown by appending (COPY, never reseeded) to each size: ${int(w.users)} users (one argon2id hash), ${int(w.conversations)} conversations
(${int(w.groups)} groups of 3–${int(w.largestGroup)}, ${int(w.directs)} direct pairs; ${int(w.memberships)} memberships). A message goes to the conversation of
activity rank r with probability ∝ (r + 1)^-0.8; about 3 % of positions are reactions (the message's rev moves on) and 5 % of
messages are replies. The probe user is in ${w.probeConversations} conversations (${w.probeGroups} groups), every 50th rank from the busiest, so
they hold about 5 % of all messages. The search trigger is off during COPY and the new messages' documents are made after it,
as bench/search.ts loads its corpus; every step ends with VACUUM (ANALYZE) and a CHECKPOINT. Then the real server
(\`NODE_ENV=production\`, \`RATE_LIMITS=off\`, started afresh for each size) is measured with the app's own clients. First
\`message:send\` from ${w.probeConversations} sockets (a member of each of the probe's conversations) at ${last?.send.rate ?? 200} msgs/s into the
probe's conversations by activity, ${last ? (last.send.latency.n / last.send.rate).toFixed(0) : "–"} s measured after a warm-up: ack latency (after commit). Then, one
request at a time (the probe's read positions set again): the conversation list (\`GET /api/conversations\`,
${last ? last.list.conversations : "–"} conversations); the directory (\`GET /api/users?q=\`, 1–4 first letters of a random person's first or last
name, as typed); a history page (\`GET …/messages?before=&limit=${last?.history.pageSize ?? 50}\`, a conversation of the probe's drawn by its size
and \`before\` uniform over its positions, so most pages are deep); \`sync\` after missing the newest ${last?.sync.missed ?? 1000} messages (cursors
for all ${w.probeConversations} conversations, the missed ones split by activity; asked again while \`hasMore\`, as the client does: the
time is the whole catch-up). After each HTTP read the same client also asks a bare \`node:http\` server in a process of
its own (a small JSON answer, no session, no database: bench/processes.ts \`startBareHttp\`): the floor any HTTP answer had
at those moments on this machine, beside each read's figures.
Samples: ${last ? `${last.list.latency.n} lists, ${last.directory.latency.n} searches, ${last.history.latency.n} pages, ${last.sync.latency.n} catch-ups, ${int(last.send.latency.n)} sends` : "–"} per size. Times in ms.

${growthTable(r)}

| bound (issue 15, item 6; p99) | measured | |
|---|---|---|
${growthBounds(r)
  .map((b) => `| ${b.label} | ${b.measured} | ${mark(b.met)} |`)
  .join("\n")}
${planSummary(r)}`;
}

/** docs/growth-plans.md: the EXPLAIN (ANALYZE, BUFFERS) of each hot path's statements at the largest size. */
export function growthPlansFile(r: GrowthResults, command: string): string {
  const statement = (s: PlanStatement, i: number) =>
    `### ${i + 1}. ${ms(s.durationMs)} ms\n\n\`\`\`sql\n${s.query.trim()}\n\`\`\`\n${s.parameters ? `\nParameters: \`${s.parameters.length > 400 ? `${s.parameters.slice(0, 400)}…` : s.parameters}\`\n` : ""}\n\`\`\`\n${s.plan}\n\`\`\``;
  return `# Hot query plans at ${int(r.planSize)} messages

Generated by \`${command}\` (bench/growth.ts) on ${r.date.slice(0, 16).replace("T", " ")} UTC; do not edit by hand.
Each hot path's domain function (the one its endpoint calls) ran in the bench's process as the probe user, on
one connection with auto_explain logging every statement with ANALYZE and BUFFERS (nested ones too: the send's
trigger), after the same call had run five times with other arguments (so the statements were prepared and
PostgreSQL had chosen between custom and generic plans as in a long-running server). Figures in docs/growth.md.

${r.plans.map((p) => `## ${p.name}\n\n${p.call}\n\n${p.statements.map(statement).join("\n\n")}`).join("\n\n")}
`;
}
