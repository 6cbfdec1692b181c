/**
 * `node --import tsx bench/send-cpu.ts`: the CPU Parley's own code spends per message on the send path, in one
 * process, without sockets or the fan-out (issue 15 item 1). Sends go through the socket handler of
 * `message:send` (lib/realtime/handlers: parse, rate-limit gate, the group-commit writer, PostgreSQL, the
 * `message.created` delivery onto a Socket.IO server, which encodes each message for its room, then the ack),
 * at a fixed rate (BENCH_RATE, default 2,000 a second) from the 1,000 bench users into their groups. What it
 * reports is this process's CPU (user + system, process.cpuUsage) over the measured window per message: PostgreSQL
 * is another process, and other tenants' load hardly changes a process's own CPU time, unlike its latency.
 * BENCH_SEND_PROF=<file>: also a V8 CPU profile of the measured window (for bench/profile-summary.ts); with
 * BENCH_SEND_ALLOC=1 a sampling allocation profile (.heapprofile) instead. It also reports PostgreSQL's CPU (the
 * postmaster and its backends, from /proc) per message and per batch, and the transactions' times; with
 * BENCH_SEND_STATEMENTS=1, the statements PostgreSQL spent most time on (pg_stat_statements).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Session } from "node:inspector";
import path from "node:path";
import fs from "node:fs";
import { startEmbeddedDatabase } from "../db/embedded";
import { removeEmbeddedData } from "../db/embedded-root";
import { runMigrations } from "../db/migrate";
import postgres from "postgres";
import { seedWorkload } from "./seed";
import { postmasterPid, summarize, treeCpuSeconds } from "./stats";

const RATE = Number(process.env.BENCH_RATE ?? 2000);
const WARMUP_MS = 2000;
const MEASURE_MS = Number(process.env.BENCH_SEND_MS ?? 10_000);
const dir = path.join(process.cwd(), ".data", `send-cpu-${process.pid}`);
const ALLOC = process.env.BENCH_SEND_ALLOC === "1";
const STATEMENTS = process.env.BENCH_SEND_STATEMENTS === "1";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  const db = await startEmbeddedDatabase({
    dataDir: path.join(dir, "postgres"),
    password: randomBytes(18).toString("base64url"),
    database: "parley",
    settings: STATEMENTS ? { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track_planning": "on" } : {},
  });
  try {
    await runMigrations(db.url);
    const users = await seedWorkload(db.url, randomBytes(32).toString("base64url"));
    if (STATEMENTS) {
      const admin = postgres(db.url, { max: 1, onnotice: () => {} });
      await admin`create extension if not exists pg_stat_statements`;
      await admin.end();
    }
    Object.assign(process.env, { DATABASE_URL: db.url, RATE_LIMITS: "off", NODE_ENV: "production" });
    const { Server } = await import("socket.io");
    const { startDelivery } = await import("@/lib/realtime/delivery");
    const { answer } = await import("@/lib/realtime/handlers/ack");
    const { MESSAGE_HANDLERS } = await import("@/lib/realtime/handlers/messages");
    const { closeDb } = await import("@/db");
    const { observeBatches } = await import("@/lib/messages/writer");
    const batches: number[] = [];
    const transactions: number[] = [];
    observeBatches(({ size, transactionMs }) => (batches.push(size), transactions.push(transactionMs)));
    // PostgreSQL's CPU: the postmaster and its backends
    const postmaster = postmasterPid(db.dataDir);
    const pgCpu = () => treeCpuSeconds(postmaster);
    const io = new Server();
    const stop = startDelivery(io as never);
    const send = MESSAGE_HANDLERS["message:send"];
    const senders = [...users].sort(() => Math.random() - 0.5);
    let acked = 0;
    let failed = 0;
    const sendOne = (n: number) => {
      const u = senders[n % senders.length];
      const payload = { conversationId: u.groupId, clientId: randomUUID(), body: `message ${n} sent at ${Date.now()}` };
      void answer(send as never, { userId: u.id, socket: undefined as never }, [payload, (res: { ok: boolean }) => (res.ok ? acked++ : failed++)]);
    };
    const profiler = process.env.BENCH_SEND_PROF ? new Session() : undefined;
    profiler?.connect();
    const start = performance.now();
    const total = Math.round((RATE * (WARMUP_MS + MEASURE_MS)) / 1000);
    let n = 0;
    let window: { cpu: NodeJS.CpuUsage; acked: number; at: number; batches: number; pg: number } | undefined;
    let result: { cpuUs: number; systemUs: number; pgUs: number; acked: number; s: number; batches: number[]; transactions: number[] } | undefined;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - start;
        if (!window && elapsed >= WARMUP_MS) {
          window = { cpu: process.cpuUsage(), acked, at: elapsed, batches: batches.length, pg: pgCpu() };
          if (ALLOC) profiler?.post("HeapProfiler.startSampling", { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
          else profiler?.post("Profiler.enable", () => profiler.post("Profiler.start"));
        }
        if (window && !result && elapsed >= WARMUP_MS + MEASURE_MS) {
          const used = process.cpuUsage(window.cpu);
          if (ALLOC) profiler?.post("HeapProfiler.stopSampling", (err, { profile }) => fs.writeFileSync(process.env.BENCH_SEND_PROF!, JSON.stringify(profile)));
          else profiler?.post("Profiler.stop", (err, { profile }) => fs.writeFileSync(process.env.BENCH_SEND_PROF!, JSON.stringify(profile)));
          result = {
            cpuUs: used.user + used.system,
            systemUs: used.system,
            pgUs: (pgCpu() - window.pg) * 1e6,
            acked: acked - window.acked,
            s: (elapsed - window.at) / 1000,
            batches: batches.slice(window.batches),
            transactions: transactions.slice(window.batches),
          };
        }
        const due = Math.min(total, Math.floor((RATE * elapsed) / 1000));
        for (; n < due; n++) sendOne(n);
        if (result) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    while (acked + failed < n) await sleep(50);
    console.log(
      `[send-cpu] ${RATE} msgs/s: ${result!.acked} acked in ${result!.s.toFixed(1)} s (${failed} refused in all), ` +
        `${(result!.cpuUs / result!.acked).toFixed(1)} µs of CPU per message, ${(result!.systemUs / result!.acked).toFixed(1)} of it in the kernel ` +
        `(${((result!.cpuUs / 1e6 / result!.s) * 100).toFixed(0)} % of a core); ${result!.batches.length} batches of ${(result!.batches.reduce((a, b) => a + b, 0) / result!.batches.length).toFixed(1)} on average`,
    );
    const tx = summarize(result!.transactions);
    console.log(
      `[send-cpu] PostgreSQL: ${(result!.pgUs / result!.acked).toFixed(1)} µs of CPU per message, ${(result!.pgUs / result!.batches.length / 1000).toFixed(2)} ms per batch; ` +
        `Node: ${(result!.cpuUs / result!.batches.length / 1000).toFixed(2)} ms per batch; transaction p50 ${tx.p50.toFixed(1)} / p99 ${tx.p99.toFixed(1)} ms`,
    );
    if (STATEMENTS) {
      // the whole run's statements (seeding included), by the time PostgreSQL spent on them
      const admin = postgres(db.url, { max: 1, onnotice: () => {} });
      const top = await admin`select calls, round(total_exec_time::numeric, 1) as exec_ms, round(total_plan_time::numeric, 1) as plan_ms, rows,
          left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 140) as query
        from pg_stat_statements order by total_exec_time + total_plan_time desc limit 12`;
      for (const r of top) console.log(`[send-cpu] ${r.calls} calls, ${r.exec_ms} ms executing, ${r.plan_ms} ms planning, ${r.rows} rows: ${r.query}`);
      await admin.end();
    }
    stop();
    await closeDb();
  } finally {
    await db.stop();
    removeEmbeddedData(path.join(dir, "postgres"));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
