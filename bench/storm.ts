/**
 * `npm run bench:storm`: the reconnect storm (issue 15, item 5). 10,000 clients connected to one
 * Parley server, a steady trickle of sends, the server SIGKILLed and started again on the same port;
 * each client's time to reconnect and to finish its `sync` catch-up is measured from the moment the
 * new server accepts connections, and every acknowledged message is checked to have reached every
 * member client exactly once. Writes docs/benchmark-storm.svg and prints the markdown section
 * (`stormSection`) for docs/benchmarks.md. `--quick`: 2,000 clients. `--clients N`: N clients; `--rate R`:
 * R messages/s (default 200; 0 sends nothing).
 * Everything runs on 127.0.0.1 in a fresh embedded PostgreSQL under .data/storm-<pid>, removed at the end.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { SOCKET_OPTIONS } from "@/components/chat/client/socket";
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from "../db/embedded";
import { removeEmbeddedData } from "../db/embedded-root";
import { runMigrations } from "../db/migrate";
import { ensureBuild } from "../scripts/build";
import { curveChart, type Series } from "./chart";
import { machineInfo, type Machine } from "./machine";
import { startCpuProfile } from "./inspector";
import { startLoad, startParley, type Child, type LoadProcess, type WriterBatch } from "./processes";
import { seedWorkload } from "./seed";
import { cpuSeconds, listenOverflows, machineBusySeconds, processTree, runQueueSeconds, summarize, type Summary } from "./stats";
import type { CheckResult, ClientTimes, DrainResult, ReportResult, StoredMessage, StormCommand, StormConnectResult, StormProgress } from "./storm-protocol";

/** Issue 15, item 5: every client back and caught up within this long of the server accepting again. */
export const STORM_BOUND_MS = 15_000;
/** BENCH_STORM_TRACE=1: the restarted server logs its handshakes each second (bench/storm-trace.ts), and PostgreSQL's sessions are logged too */
const TRACE = process.env.BENCH_STORM_TRACE === "1";
/**
 * BENCH_STORM_PROF=<file>.cpuprofile: a CPU profile of the restarted server from accept for
 * BENCH_STORM_PROF_MS (default 6000) ms, through its inspector (the whole run's --cpu-prof is lost
 * when shutting 10,000 sockets down outlasts the stop's grace); read it with bench/profile-summary.ts.
 */
const PROFILE_FILE = process.env.BENCH_STORM_PROF;
const PROFILE_MS = Number(process.env.BENCH_STORM_PROF_MS) || 6000;
/** Sockets one load process holds at most. */
const CLIENTS_PER_LOAD = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
/** The cleanups of runs under way, for main's SIGINT / SIGTERM. */
const cleanups = new Set<() => Promise<void>>();

export interface StormOptions {
  /** connected clients, one user (session, socket) each */
  clients: number;
  /** load processes holding the sockets; default ⌈clients / 5,000⌉, at least 2 */
  loadProcesses?: number;
  /** messages a second sent in total, each into the sender's group; default 200 */
  rate?: number;
  /** sending before the kill, ms; default 3,000 */
  steadyMs?: number;
  /** sending on after every client is back, ms; default 2,000 */
  afterMs?: number;
  /** stop waiting for the clients this long after the server accepts again, ms; default 60,000 */
  giveUpMs?: number;
  /** an existing database to use (its schema migrated); default: a throwaway embedded PostgreSQL */
  databaseUrl?: string;
  /** the checkout (for the build and .data); default the current directory */
  root?: string;
  /** write a V8 CPU profile of the restarted server into this folder (its whole life, storm included) */
  cpuProfileDir?: string;
  /** before the kill, wait up to this long (ms) for other tenants to use less than half a core; default 120,000 */
  quietWaitMs?: number;
}

/** Times (ms since the server accepted again) by which a share of the clients had got somewhere; null: never. */
export interface ShareTimes {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p100: number | null;
  /** clients that got there at all */
  count: number;
}

export interface CpuShare {
  /** % of one core over the window (100 % = one core busy) */
  server: number;
  /** % of the window the server was ready to run but waited for a CPU held by another process */
  serverWaiting: number;
  postgres: number;
  load: number;
  machine: number;
  /** the machine less the server, PostgreSQL, the load processes and the bench itself: other tenants */
  others: number;
}

export interface StormResults {
  date: string;
  machine: Machine;
  clients: number;
  loadProcesses: number;
  rate: number;
  /**
   * the browser's reconnection settings the clients used (socket.io-client defaults filled in); the
   * delays are spread by spreadRetries (components/chat/client/socket.ts), which ignores randomizationFactor
   */
  reconnection: { reconnectionDelay: number; reconnectionDelayMax: number; timeout: number; transports: string[] };
  /** opening the first connections, before the storm, ms */
  initialConnectMs: number;
  /** how long the bench waited for a quieter machine before the kill (ms), and other tenants' CPU then (% of one core) */
  quiet: { waitedMs: number; othersBefore: number };
  /** SIGKILL to the new server accepting TCP connections, ms (its start: node, migrations, Next) */
  killToAcceptMs: number;
  reconnected: ShareTimes;
  synced: ShareTimes;
  /** the curve, ms since accept: how many clients were back (connected) and caught up (synced) */
  curve: { reconnectedMs: number[]; syncedMs: number[] };
  /** over [accept, last client synced] (or the give-up time) */
  cpu: CpuShare;
  /** the server's CPU with the trickle alone, before the kill (% of one core) */
  steadyServerCpu: number;
  /** the server's CPU time over that window, less the trickle's (steadyServerCpu), per client (ms): its cost of one reconnect */
  serverCpuMsPerClient: number;
  /** server and PostgreSQL CPU in 500 ms steps from accept (% of one core) */
  cpuTimeline: { atMs: number; server: number; serverWaiting: number; postgres: number; machine: number; others: number }[];
  /**
   * connection attempts the kernel dropped because the server's accept queue was full (machine-wide
   * TcpExt ListenOverflows, bench/stats.ts), accept → last client caught up; null where not reported
   */
  listenOverflows: number | null;
  /** socket.io-client reconnect attempts per client (p50 / p99 / max), connect errors, failed syncs, disconnects after coming back */
  retries: { attempts: Summary; connectErrors: number; syncFailures: number; flaps: number; connectErrorKinds: Record<string, number> };
  sends: {
    total: number;
    acked: number;
    /** acknowledged, but the database has no such message */
    lost: number;
    /** stored more than once for one (sender, clientId) */
    storedTwice: number;
    /** left in an outbox at the end: still pending / failed ("Not sent" until the next reconnect) */
    pending: number;
    failed: number;
    /** stored but never acknowledged to the sender */
    storedUnacked: number;
    /** send → acknowledgement (ms), over every acknowledged send: the outage's sends wait for the reconnect */
    ack: Summary;
  };
  deliveries: CheckResult;
  /** group commits of the restarted server from accept to the last sync (bench/writer-trace.ts) */
  writer: { batches: number; meanSize: number; commit: Summary };
  /** the load processes' worst event-loop delay p99 during the storm (ms): high means the generator lagged */
  loadLoopDelayP99: number;
  /** how long the bench waited for the clients after accept (ms): a share not reached by then shows as "–" */
  giveUpMs: number;
  boundMs: number;
  boundMet: boolean;
  totalSeconds: number;
}

type StormLoad = LoadProcess<StormCommand, StormProgress>;

interface CpuSample {
  at: number;
  server: number;
  /** the server's time runnable but waiting for a CPU (other processes had them) */
  serverWaiting: number;
  /** this process (the bench's own sampling and bookkeeping) */
  bench: number;
  postgres: number;
  load: number;
  machine: number;
}

/** Resolves with the time (ms since the epoch) `port` first accepts a TCP connection, trying every 5 ms. */
function waitForAccept(port: number, deadline: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        const at = now();
        socket.destroy();
        resolve(at);
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} did not accept connections in time`));
        else setTimeout(attempt, 5);
      });
    };
    attempt();
  });
}

/** Other tenants' CPU must be below this (cores) before the kill, if they get there within the wait. */
const QUIET_CORES = 0.5;

/**
 * Waits (≤ maxMs, in 1 s steps) until processes other than `ours()` use less than QUIET_CORES: the
 * storm's figures are the server's only when it is not also sharing these 2 cores with other work.
 * Returns how long it waited and the others' CPU in the last second (% of one core).
 */
async function waitForQuiet(ours: () => number[], maxMs: number): Promise<{ waitedMs: number; othersBefore: number }> {
  const started = Date.now();
  const busy = () => ({ machine: machineBusySeconds(), ours: ours().reduce((sum, pid) => sum + cpuSeconds(pid), 0) });
  for (;;) {
    const a = busy();
    await sleep(1000);
    const b = busy();
    const others = Math.max(0, b.machine - a.machine - (b.ours - a.ours));
    if (others < QUIET_CORES || Date.now() - started >= maxMs) return { waitedMs: Date.now() - started, othersBefore: others * 100 };
  }
}

/** Logs what PostgreSQL's client sessions are doing (state and wait event: lock, WAL flush, client read…). */
async function tracePostgres(sql: postgres.Sql, since: number): Promise<void> {
  const rows = await sql`select state, coalesce(wait_event_type || ':' || wait_event, '-') as wait, count(*)::int as n
    from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid() group by 1, 2 order by 3 desc`.catch(() => []);
  console.log(`[storm]   pg +${((now() - since) / 1000).toFixed(1)} s: ${rows.map((r) => `${r.state}/${r.wait} ${r.n}`).join(", ")}`);
}

/** SIGKILL to a process and its children, as a crash would end them; resolves when it has exited. */
async function crash(server: Child): Promise<void> {
  const exited = new Promise((r) => server.proc.once("exit", r));
  for (const pid of processTree(server.pid).reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone already */
    }
  }
  await exited;
}

/** The time by which `share` of `total` clients had got there (nearest rank), null when fewer did. */
function shareTime(sortedMs: number[], total: number, share: number): number | null {
  const rank = Math.ceil(share * total);
  return rank <= sortedMs.length ? sortedMs[rank - 1] : null;
}

function shareTimes(sortedMs: number[], total: number): ShareTimes {
  return { p50: shareTime(sortedMs, total, 0.5), p90: shareTime(sortedMs, total, 0.9), p99: shareTime(sortedMs, total, 0.99), p100: shareTime(sortedMs, total, 1), count: sortedMs.length };
}

function cpuBetween(samples: CpuSample[], from: number, to: number): CpuShare {
  const a = samples.filter((s) => s.at <= from).at(-1) ?? samples[0];
  const b = samples.find((s) => s.at >= to) ?? samples.at(-1)!;
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  const pct = (key: Exclude<keyof CpuSample, "at">) => ((b[key] - a[key]) / seconds) * 100;
  const share = { server: pct("server"), serverWaiting: pct("serverWaiting"), postgres: pct("postgres"), load: pct("load"), machine: pct("machine") };
  return { ...share, others: Math.max(0, share.machine - share.server - share.postgres - share.load - pct("bench")) };
}

/**
 * Runs the storm (see the file comment) and returns its figures. Starts and stops everything it uses:
 * a database unless `databaseUrl` is given, the server, the load processes. Times are ms; CPU is % of
 * one core.
 */
export async function runStormBench(opts: StormOptions): Promise<StormResults> {
  const started = Date.now();
  const root = opts.root ?? process.cwd();
  const clients = opts.clients;
  const rate = opts.rate ?? 200;
  const loadCount = opts.loadProcesses ?? Math.max(2, Math.ceil(clients / CLIENTS_PER_LOAD));
  const giveUpMs = opts.giveUpMs ?? 60_000;
  const dir = path.join(root, ".data", `storm-${process.pid}`);
  const stops: (() => Promise<void>)[] = [];
  let db: EmbeddedDatabase | undefined;
  const cleanup = async () => {
    cleanups.delete(cleanup);
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
    await db?.stop().catch(() => {});
    if (db) removeEmbeddedData(path.join(dir, "postgres")); // as root, possibly under /var/lib/parley
    db = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  try {
    ensureBuild(root);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      db = await startEmbeddedDatabase({ dataDir: path.join(dir, "postgres"), password: randomBytes(18).toString("base64url"), database: "parley" });
      databaseUrl = db.url;
      await runMigrations(databaseUrl);
    }
    const postmaster = () => (db ? Number(fs.readFileSync(path.join(db.dataDir, "postmaster.pid"), "utf8").split("\n")[0]) : 0);
    const secret = randomBytes(32).toString("base64url");
    const users = await seedWorkload(databaseUrl, secret, { users: clients, prefix: `storm${process.pid}_` });
    const workloadFile = path.join(dir, "workload.json");
    fs.writeFileSync(workloadFile, JSON.stringify({ users }));
    console.log(`[storm] seeded ${users.length} users, ${users.length / 10} groups, ${users.length / 2} direct pairs`);

    const port = await freePort();
    const batches: WriterBatch[] = [];
    const env = { DATABASE_URL: databaseUrl, NEXTAUTH_SECRET: secret, PARLEY_DATA_DIR: path.join(dir, "parley") };
    let server = await startParley({ port, inspectPort: await freePort(), batches, env });
    stops.push(() => server.stop());

    const loads: StormLoad[] = [];
    for (let i = 0; i < loadCount; i++) {
      const load = startLoad<StormCommand, StormProgress>(workloadFile, "bench/storm-load.ts");
      loads.push(load);
      stops.push(async () => {
        await load.request({ cmd: "exit" }, 5000).catch(() => {});
        await sleep(500); // it exits by itself (writing a CPU profile, if asked for one), else SIGTERM
        await load.stop();
      });
    }
    const slice = (i: number) => ({ from: Math.floor((i * clients) / loadCount), to: Math.floor(((i + 1) * clients) / loadCount) });
    console.log(`[storm] connecting ${clients} clients from ${loadCount} load processes`);
    const connects = await Promise.all(loads.map((load, i) => load.request<StormConnectResult>({ cmd: "connect", url: server.url, ...slice(i) }, 600_000)));
    const connected = connects.reduce((sum, c) => sum + c.connected, 0);
    const initialConnectMs = Math.max(...connects.map((c) => c.ms));
    if (connected < clients) throw new Error(`only ${connected} of ${clients} clients connected and synced (${connects.find((c) => c.firstError)?.firstError})`);
    console.log(`[storm] ${connected} clients connected and synced in ${(initialConnectMs / 1000).toFixed(1)} s; sending ${rate} msgs/s`);

    await Promise.all(loads.map((load) => load.request({ cmd: "trickle", rate: rate / loadCount }, 10_000)));
    await sleep(1000);
    // the server's CPU for the trickle alone, before the kill (subtracted from the storm's per-client cost)
    const steadyFrom = { at: now(), cpu: cpuSeconds(server.pid) };
    await sleep(Math.max(0, (opts.steadyMs ?? 3000) - 1000));
    // Clients of a real crash have been connected for a while: their sessions were last seen over a
    // minute ago, so each handshake also records the session as seen (lib/sessions/store.ts).
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    stops.push(() => sql.end());
    await sql`update sessions set last_seen_at = now() - interval '1 hour' where user_id in ${sql(users.map((u) => u.id))}`;

    // CPU of the server (whichever is running), PostgreSQL, the load processes and the machine, every 250 ms
    const samples: CpuSample[] = [];
    let serverPid = server.pid;
    // PostgreSQL's processes are listed once a second: scanning /proc costs this (shared) machine CPU too
    let pgPids: number[] = [];
    let pgListedAt = 0;
    const sample = () => {
      if (now() - pgListedAt > 1000) {
        const pg = postmaster();
        pgPids = pg ? processTree(pg) : [];
        pgListedAt = now();
      }
      samples.push({
        at: now(),
        server: cpuSeconds(serverPid),
        serverWaiting: runQueueSeconds(serverPid),
        postgres: pgPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
        load: loads.reduce((sum, l) => sum + cpuSeconds(l.pid), 0),
        bench: cpuSeconds(process.pid),
        machine: machineBusySeconds(),
      });
    };
    const quiet = await waitForQuiet(() => [server.pid, process.pid, ...loads.map((l) => l.pid), ...(postmaster() ? processTree(postmaster()) : [])], opts.quietWaitMs ?? 120_000);
    console.log(`[storm] other processes on the machine: ${pct(quiet.othersBefore)} of a core${quiet.waitedMs > 1500 ? ` (waited ${(quiet.waitedMs / 1000).toFixed(0)} s for a quieter machine)` : ""}`);
    const progress = new Map<StormLoad, StormProgress>();
    loads.forEach((load) => load.onEvent((e) => progress.set(load, e)));
    await Promise.all(loads.map((load) => load.request({ cmd: "arm" }, 10_000)));

    const steadyCpu = ((cpuSeconds(server.pid) - steadyFrom.cpu) / ((now() - steadyFrom.at) / 1000)) * 100;
    console.log("[storm] SIGKILL to the server");
    const killedAt = now();
    await crash(server);
    const restartInspectPort = await freePort();
    const restarting = startParley({
      port,
      inspectPort: restartInspectPort,
      batches,
      env,
      nodeArgs: opts.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opts.cpuProfileDir)}`] : [],
      imports: TRACE ? ["./bench/storm-trace.ts"] : [],
      onSpawn: (pid) => {
        serverPid = pid;
        sample();
      },
    });
    restarting.catch(() => {}); // a failed start is thrown by the await below, after the wait for accept
    const acceptedAt = await Promise.race([waitForAccept(port, Date.now() + 120_000), restarting.then(() => new Promise<never>(() => {}))]);
    sample();
    // from accept, not from the health check's answer below: the crowd's first attempts are the ones the queue drops
    const overflowsAtAccept = listenOverflows();
    if (PROFILE_FILE) {
      const stopProfile = await startCpuProfile(restartInspectPort, PROFILE_FILE);
      setTimeout(() => void stopProfile().then(() => console.log(`[storm] wrote ${PROFILE_FILE}: the first ${PROFILE_MS} ms after accept`)), PROFILE_MS);
    }
    const sampler = setInterval(sample, 250);
    const pgTrace = TRACE ? setInterval(() => void tracePostgres(sql, acceptedAt), 1000) : undefined;
    console.log(`[storm] the new server accepts connections ${((acceptedAt - killedAt) / 1000).toFixed(1)} s after the kill`);
    server = await restarting;

    let overflowsLogged = overflowsAtAccept;
    const deadline = acceptedAt + giveUpMs;
    const allSynced = () => [...progress.values()].reduce((sum, p) => sum + p.synced, 0) >= clients;
    let lastLog = 0;
    while (!allSynced() && now() < deadline) {
      await sleep(100);
      if (now() - lastLog >= 1000) {
        lastLog = now();
        const sum = (key: "connected" | "reconnected" | "synced") => [...progress.values()].reduce((s, p) => s + p[key], 0);
        const last = cpuBetween(samples, now() - 1000, now());
        const overflows = listenOverflows();
        const dropped = overflows !== null && overflowsLogged !== null ? `, ${overflows - overflowsLogged} attempts dropped by a full accept queue` : "";
        overflowsLogged = overflows;
        console.log(`[storm]   +${((now() - acceptedAt) / 1000).toFixed(1)} s: ${sum("reconnected")} reconnected, ${sum("synced")} synced; last second: server CPU ${pct(last.server)}, waiting for a CPU ${pct(last.serverWaiting)}, PostgreSQL ${pct(last.postgres)}, others ${pct(last.others)}${dropped}`);
      }
    }
    const reports = await Promise.all(loads.map((load) => load.request<ReportResult>({ cmd: "report" }, 30_000)));
    const times: ClientTimes[] = reports.flatMap((r) => r.clients);
    const since = (t: number | null) => (t === null ? null : t - acceptedAt);
    const reconnectedMs = times.map((t) => since(t.reconnectedAt)).filter((t): t is number => t !== null).sort((a, b) => a - b);
    const syncedMs = times.map((t) => since(t.syncedAt)).filter((t): t is number => t !== null).sort((a, b) => a - b);
    const stormEnd = syncedMs.length === clients ? acceptedAt + syncedMs[syncedMs.length - 1] : deadline;
    await sleep(Math.max(0, stormEnd + 600 - now())); // one more sample past the end
    const overflowsAtEnd = listenOverflows();
    clearInterval(sampler);
    clearInterval(pgTrace);
    sample();
    console.log(`[storm] ${syncedMs.length} of ${clients} clients caught up, the last ${syncedMs.length ? (syncedMs[syncedMs.length - 1] / 1000).toFixed(2) : "–"} s after accept`);

    await sleep(opts.afterMs ?? 2000);
    await Promise.all(loads.map((load) => load.request({ cmd: "trickle", rate: 0 }, 10_000)));
    const drains = await Promise.all(loads.map((load) => load.request<DrainResult>({ cmd: "drain", timeoutMs: 30_000 }, 60_000)));
    await sleep(1000); // the last deliveries
    const rows = await sql`select id, conversation_id, sender_id, client_id, seq from messages where conversation_id in ${sql(users.map((u) => u.groupId))}`;
    const stored: StoredMessage[] = rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, senderId: r.sender_id, clientId: r.client_id, seq: Number(r.seq) }));
    const checks = await Promise.all(loads.map((load) => load.request<CheckResult>({ cmd: "check", messages: stored }, 120_000)));

    const deliveries = checks.reduce<CheckResult>(
      (sum, c) => ({ clients: sum.clients + c.clients, expected: sum.expected + c.expected, missing: sum.missing + c.missing, away: sum.away + c.away, awaiting: sum.awaiting + c.awaiting, rawDuplicates: sum.rawDuplicates + c.rawDuplicates, doubled: sum.doubled + c.doubled, unknown: sum.unknown + c.unknown }),
      { clients: 0, expected: 0, missing: 0, away: 0, awaiting: 0, rawDuplicates: 0, doubled: 0, unknown: 0 },
    );
    const sends = drains.flatMap((d) => d.sends);
    const storedIds = new Set(stored.map((m) => m.id));
    const storedBySend = new Map<string, number>();
    for (const m of stored) storedBySend.set(`${m.senderId}|${m.clientId}`, (storedBySend.get(`${m.senderId}|${m.clientId}`) ?? 0) + 1);
    const ackedSends = new Set(sends.filter((s) => s.ack).map((s) => `${s.senderId}|${s.clientId}`));
    const window = batches.filter((b) => b.at >= acceptedAt && b.at <= stormEnd + 1000);
    const windowMessages = window.reduce((sum, b) => sum + b.size, 0);
    const cpuTimeline: StormResults["cpuTimeline"] = [];
    for (let t = acceptedAt; t + 500 <= stormEnd + 500; t += 500) {
      const share = cpuBetween(samples, t, t + 500);
      cpuTimeline.push({ atMs: t - acceptedAt, server: share.server, serverWaiting: share.serverWaiting, postgres: share.postgres, machine: share.machine, others: share.others });
    }
    const attempts = summarize(times.map((t) => t.attempts));
    const results: StormResults = {
      date: new Date().toISOString(),
      machine: await machineInfo(databaseUrl),
      clients,
      loadProcesses: loadCount,
      rate,
      reconnection: {
        reconnectionDelay: SOCKET_OPTIONS.reconnectionDelay ?? 1000,
        reconnectionDelayMax: SOCKET_OPTIONS.reconnectionDelayMax ?? 5000,
        timeout: Number(SOCKET_OPTIONS.timeout ?? 20_000),
        transports: (SOCKET_OPTIONS.transports ?? ["polling", "websocket", "webtransport"]).map(String),
      },
      initialConnectMs,
      quiet,
      killToAcceptMs: acceptedAt - killedAt,
      reconnected: shareTimes(reconnectedMs, clients),
      synced: shareTimes(syncedMs, clients),
      curve: { reconnectedMs, syncedMs },
      cpu: cpuBetween(samples, acceptedAt, stormEnd),
      steadyServerCpu: steadyCpu,
      serverCpuMsPerClient: (((cpuBetween(samples, acceptedAt, stormEnd).server - steadyCpu) / 100) * (stormEnd - acceptedAt)) / clients,
      cpuTimeline,
      listenOverflows: overflowsAtAccept !== null && overflowsAtEnd !== null ? overflowsAtEnd - overflowsAtAccept : null,
      retries: {
        attempts,
        connectErrors: times.reduce((sum, t) => sum + t.connectErrors, 0),
        syncFailures: times.reduce((sum, t) => sum + t.syncFailures, 0),
        flaps: times.reduce((sum, t) => sum + t.flaps, 0),
        connectErrorKinds: reports.reduce<Record<string, number>>((sum, r) => {
          for (const [kind, n] of Object.entries(r.connectErrorKinds)) sum[kind] = (sum[kind] ?? 0) + n;
          return sum;
        }, {}),
      },
      sends: {
        total: sends.length,
        acked: sends.filter((s) => s.ack).length,
        lost: sends.filter((s) => s.ack && !storedIds.has(s.ack.id)).length,
        storedTwice: [...storedBySend.values()].filter((n) => n > 1).length,
        pending: drains.reduce((sum, d) => sum + d.pending, 0),
        failed: drains.reduce((sum, d) => sum + d.failed, 0),
        storedUnacked: stored.filter((m) => !ackedSends.has(`${m.senderId}|${m.clientId}`)).length,
        ack: summarize(sends.filter((s) => s.ack).map((s) => s.ack!.at - s.sentAt)),
      },
      deliveries,
      writer: { batches: window.length, meanSize: window.length ? windowMessages / window.length : 0, commit: summarize(window.map((b) => b.ms)) },
      loadLoopDelayP99: Math.max(...reports.map((r) => r.loopDelayP99)),
      giveUpMs,
      boundMs: STORM_BOUND_MS,
      boundMet: syncedMs.length === clients && syncedMs[syncedMs.length - 1] <= STORM_BOUND_MS && deliveries.away === 0 && deliveries.missing === 0 && deliveries.doubled === 0 && sends.every((s) => s.ack) && (rate === 0 || sends.length > 0),
      totalSeconds: 0,
    };
    results.boundMet &&= results.sends.lost === 0 && results.sends.storedTwice === 0;
    results.totalSeconds = (Date.now() - started) / 1000;
    return results;
  } finally {
    await cleanup();
  }
}

const s1 = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(2)} s`);
const int = (v: number) => Math.round(v).toLocaleString("en-US");
const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} %` : "–");

/** The curve of clients back over time (docs/benchmark-storm.svg): reconnected and caught up, server CPU on the right. */
export function stormChart(r: StormResults): string {
  const last = Math.max(r.curve.syncedMs.at(-1) ?? 0, r.curve.reconnectedMs.at(-1) ?? 0);
  // past the bound, so that its line shows inside the plot
  const xMax = Math.max(r.boundMs + 5000, Math.ceil((last + 1000) / 5000) * 5000) / 1000;
  const steps = (sorted: number[]): { x: number; y: number }[] => {
    const points = [{ x: 0, y: 0 }];
    // one point per 1 % of the clients (and the last), enough for a smooth step curve
    const every = Math.max(1, Math.floor(sorted.length / 100));
    for (let i = 0; i < sorted.length; i += every) points.push({ x: Math.max(0, sorted[i]) / 1000, y: i + 1 });
    if (sorted.length) points.push({ x: Math.max(0, sorted[sorted.length - 1]) / 1000, y: sorted.length });
    points.push({ x: xMax, y: sorted.length });
    return points;
  };
  const series: Series[] = [
    { label: "reconnected", color: "#1f77b4", points: steps(r.curve.reconnectedMs) },
    { label: "caught up (sync)", color: "#2ca02c", points: steps(r.curve.syncedMs) },
  ];
  const cpu = (label: string, color: string, key: "server" | "others"): Series => ({ label, color, dashed: true, points: r.cpuTimeline.map((c) => ({ x: (c.atMs + 250) / 1000, y: Math.max(0, c[key] ?? 0) })) });
  return curveChart(series, {
    title: `Reconnect storm: ${int(r.clients)} clients after a SIGKILL and restart`,
    xMax,
    xLabel: "seconds since the restarted server accepted connections",
    yMax: r.clients,
    yLabel: "clients",
    bound: { x: r.boundMs / 1000, label: `bound ${r.boundMs / 1000} s` },
    right: { label: "CPU", max: 100 * r.machine.cpus, unit: " %", series: [cpu("server CPU", "#d62728", "server"), cpu("others' CPU", "#999999", "others")] },
  });
}

/** The markdown section for docs/benchmarks.md (links benchmark-storm.svg, which stormChart draws). */
export function stormSection(r: StormResults): string {
  const { reconnection: rc, sends: s, deliveries: d } = r;
  const row = (name: string, a: ShareTimes, b: ShareTimes) => `| ${name} | ${s1(a.p50)} | ${s1(a.p90)} | ${s1(a.p99)} | ${s1(a.p100)} | ${int(a.count)} / ${int(r.clients)} |`;
  return [
    "## Reconnect storm (issue 15, item 5)",
    "",
    `Measured by \`npm run bench:storm\` (bench/storm.ts) on ${r.date.slice(0, 16).replace("T", " ")} UTC; the whole run took ${r.totalSeconds.toFixed(0)} s.`,
    "",
    `- ${int(r.clients)} clients, one user each (own session, own socket): ${int(r.clients / 10)} groups of 10 and ${int(r.clients / 2)} direct pairs,`,
    "  seeded like the main workload. One socket per user is the heavier and likelier case: each handshake then reads its own",
    "  session and memberships and announces its own presence, where tabs of one user would share them.",
    `- Held by ${r.loadProcesses} load processes (bench/storm-load.ts) that behave as the web client: the page's socket options`,
    `  (\`SOCKET_OPTIONS\`: ${rc.transports.join(", ")} transport, connect timeout ${rc.timeout / 1000} s, reconnectionDelay ${rc.reconnectionDelay} ms,`,
    `  reconnectionDelayMax ${rc.reconnectionDelayMax} ms; retry n (the first is 0) waits a uniformly random time between ${rc.reconnectionDelay / 2} ms and`,
    `  min(${rc.reconnectionDelayMax}, ${rc.reconnectionDelay} · 2ⁿ) ms, "full jitter" by \`spreadRetries\`), its outbox (one clientId per message, retried until`,
    "  acknowledged, resumed after every connect) and `sync` after every connect from the highest rev held, again while `hasMore`.",
    "  The web client also refetches its conversation list over HTTP after a reconnect; the bench does not.",
    `- ${int(r.rate)} messages/s into the senders' groups throughout; the sessions set last seen an hour ago (clients connected for a while);`,
    `  then, after waiting ${(r.quiet.waitedMs / 1000).toFixed(0)} s for other tenants of the machine to use under half a core (they used ${pct(r.quiet.othersBefore)} then),`,
    `  SIGKILL to the server (PostgreSQL stays up) and the same command again on the same port. It accepted connections`,
    `  ${s1(r.killToAcceptMs)} after the kill (its start: node, migrations, Next). Times below are from that moment.`,
    "",
    "| | 50 % | 90 % | 99 % | 100 % | clients |",
    "|---|---:|---:|---:|---:|---:|",
    row("reconnected", r.reconnected, r.reconnected),
    row("caught up (`sync` done)", r.synced, r.synced),
    "",
    ...(r.synced.count < r.clients ? [`"–": not reached within the bench's wait of ${r.giveUpMs / 1000} s after accept.`, ""] : []),
    `Bound: every client caught up within ${r.boundMs / 1000} s of accept, nothing lost or doubled — **${r.boundMet ? "met" : "not met"}**.`,
    "",
    "| | |",
    "|---|---:|",
    `| sends (acked / total) | ${int(s.acked)} / ${int(s.total)} |`,
    `| acked but not stored (lost sends) | ${s.lost} |`,
    `| stored twice for one clientId | ${s.storedTwice} |`,
    `| stored but never acked / left pending / failed ("Not sent") | ${int(s.storedUnacked)} / ${int(s.pending)} / ${int(s.failed)} |`,
    `| send → ack p50 / p99 / max (the outage's sends wait for the reconnect) | ${s1(s.ack.p50)} / ${s1(s.ack.p99)} / ${s1(s.ack.max)} |`,
    `| deliveries expected (every stored message × every member client that is back) | ${int(d.expected)} |`,
    `| lost deliveries (never arrived, live or by \`sync\`, at a client that is back) | ${int(d.missing)} |`,
    ...(d.away ? [`| clients not back when checked / what they have yet to receive (not lost: they catch up once back) | ${int(d.away)} / ${int(d.awaiting)} |`] : []),
    `| doubled after the client's dedupe by id (two ids for one send or one seq) | ${d.doubled} |`,
    `| raw duplicates (an id received twice: live and by \`sync\`; deduped by the client) | ${int(d.rawDuplicates)} |`,
    `| reconnect attempts per client p50 / p99 / max | ${r.retries.attempts.p50} / ${r.retries.attempts.p99} / ${r.retries.attempts.max} |`,
    `| connect errors / failed syncs / disconnects after coming back | ${int(r.retries.connectErrors)} / ${r.retries.syncFailures} / ${r.retries.flaps} |`,
    `| connect errors by kind (refused while down: "websocket error") | ${Object.entries(r.retries.connectErrorKinds).sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${int(n)}`).join(", ") || "–"} |`,
    `| connection attempts the kernel dropped, the server's accept queue full (\`TcpExtListenOverflows\`, machine-wide), accept → last client caught up | ${r.listenOverflows === null ? "– (not reported here)" : int(r.listenOverflows)} |`,
    `| server CPU, accept → last client caught up (% of one core) | ${pct(r.cpu.server)} |`,
    `| PostgreSQL / load processes / whole machine CPU, same window | ${pct(r.cpu.postgres)} / ${pct(r.cpu.load)} / ${pct(r.cpu.machine)} |`,
    `| other tenants' CPU (machine less server, PostgreSQL, load and bench), same window | ${pct(r.cpu.others)} |`,
    `| the server's time ready to run but waiting for a CPU (other processes on it), same window | ${pct(r.cpu.serverWaiting)} |`,
    `| server CPU per reconnect: that window's CPU time less the trickle's (${pct(r.steadyServerCpu)} before the kill), per client (ms) | ${r.serverCpuMsPerClient > 0 ? r.serverCpuMsPerClient.toFixed(2) : "– (starved: less than the trickle's)"} |`,
    `| group commits in that window: batches, mean size, p99 (ms) | ${r.writer.batches} / ${r.writer.meanSize.toFixed(1)} / ${r.writer.commit.p99.toFixed(0)} |`,
    `| load processes' event-loop delay p99 (ms) | ${r.loadLoopDelayP99.toFixed(0)} |`,
    "",
    "Dropped attempts: Node's libuv accepts one connection each time the event loop polls (libuv pull request 3696 removed",
    "its accept loop), so while the server works through the crowd it accepts only as many connections a second as its loop",
    "turns, and the kernel's accept queue (the listen backlog, capped by `net.core.somaxconn`) fills. An attempt dropped then",
    "is sent again only after TCP's retransmission delays, and one still unanswered after the connect timeout is abandoned",
    "and retried after a backoff: the runs with dropped attempts and connect timeouts are the slow ones (docs/scaling.md, \"Reconnect storms\").",
    "",
    "![Clients reconnected and caught up over time after the restart](benchmark-storm.svg)",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const given = process.argv.indexOf("--clients");
  const clients = given > 0 ? Number(process.argv[given + 1]) : quick ? 2000 : 10_000;
  const rateArg = process.argv.indexOf("--rate");
  const shorter = quick ? { steadyMs: 2000, afterMs: 1000, quietWaitMs: 15_000, giveUpMs: 60_000 } : { quietWaitMs: 120_000, giveUpMs: 120_000 };
  const results = await runStormBench({ clients, rate: rateArg > 0 ? Number(process.argv[rateArg + 1]) : undefined, cpuProfileDir: process.env.BENCH_CPU_PROF, ...shorter });
  const root = process.cwd();
  fs.writeFileSync(path.join(root, "docs", "benchmark-storm.svg"), stormChart(results));
  fs.mkdirSync(path.join(root, ".data"), { recursive: true });
  fs.writeFileSync(path.join(root, ".data", "bench-storm.json"), JSON.stringify(results));
  console.log(`\n${stormSection(results)}`);
  console.log(`[storm] wrote docs/benchmark-storm.svg and .data/bench-storm.json in ${results.totalSeconds.toFixed(0)} s; bound ${results.boundMet ? "met" : "NOT met"}`);
}

if (require.main === module) {
  const stopAll = () => Promise.all([...cleanups].map((c) => c()));
  const overall = setTimeout(() => {
    console.error("[storm] gave up after 15 minutes");
    void stopAll().finally(() => process.exit(1));
  }, 15 * 60_000);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  process.once("uncaughtException", (err) => {
    console.error("[storm] failed:", err);
    void stopAll().finally(() => process.exit(1));
  });
  main()
    .catch((err) => {
      console.error("[storm] failed:", err);
      process.exitCode = 1;
    })
    .finally(() => clearTimeout(overall));
}
