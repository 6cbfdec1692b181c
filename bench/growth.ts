/**
 * "Flat as data grows" (issue 15, item 6): one database grown by appending to each size (10k, 100k,
 * 1M, 10M messages; 100,000 users; 10,000 conversations; a probe user in 200 of them), and at each
 * size the real server measured with the app's own clients: send, a history page, `sync` of 1,000
 * missed messages, the conversation list, the directory. At the largest size every hot path's
 * statements are EXPLAINed (ANALYZE, BUFFERS).
 *
 * `npm run bench:growth`: all four sizes, writes docs/growth.md (the section) and docs/growth-plans.md.
 * `npm run bench:growth -- --quick`: 10k and 100k only, prints the section and writes nothing.
 * Seeding: bench/growth-seed.ts; measuring: bench/growth-measure.ts; plans: bench/growth-explain.ts;
 * markdown: bench/growth-report.ts (`growthSection`, for docs/benchmarks.md too).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from "../db/embedded";
import { removeEmbeddedData } from "../db/embedded-root";
import { runMigrations } from "../db/migrate";
import { ensureBuild } from "../scripts/build";
import { explainHotPaths } from "./growth-explain";
import { startCpuProfile } from "./inspector";
import { GROWTH_SAMPLES, measurePoint, mintCookies, sendersOf } from "./growth-measure";
import { growthPlansFile, growthSection, GROWTH_BOUNDS, type GrowthPoint, type GrowthResults } from "./growth-report";
import { GROWTH_WORLD, growTo, seedWorld, type World } from "./growth-seed";
import { startBareHttp, startParley, type Child, type WriterBatch } from "./processes";
import { cpuSeconds, postmasterPid, summarize, treeCpuSeconds } from "./stats";

export { growthSection, growthPlansFile, type GrowthResults } from "./growth-report";

/**
 * BENCH_GROWTH_PROF=<dir>: a V8 CPU profile of the server over each block of measured requests alone, as
 * <dir>/<block>-<size>.cpuprofile (bench/profile-summary.ts reads them). The sampling costs CPU of its own.
 */
const PROFILE_DIR = process.env.BENCH_GROWTH_PROF ? path.resolve(process.env.BENCH_GROWTH_PROF) : undefined;

/** The sizes of the acceptance line, and those of `--quick`. */
export const GROWTH_SIZES = { full: [10_000, 100_000, 1_000_000, 10_000_000], quick: [10_000, 100_000] };

export interface GrowthOptions {
  /** messages to grow to, ascending (the bench's own; the sends of each size's measurement come on top) */
  sizes: number[];
  /**
   * A migrated database the bench may fill (its users, conversations and messages are added beside
   * whatever is there; its search index is dropped and rebuilt at each step). Unset: a fresh embedded
   * PostgreSQL under `<root>/.data/bench-growth-<pid>`, removed at the end.
   */
  databaseUrl?: string;
  /** the checkout (default: the working directory): its production build is made if stale */
  root?: string;
  /** EXPLAIN the hot paths at the largest size (default true) */
  plans?: boolean;
  /** the sends' measured window in ms (default GROWTH_SAMPLES.send.durationMs, 20 s; with a 1 s warm-up when given) */
  sendMs?: number;
  /** the share of GROWTH_SAMPLES' requests each read block makes (default 1) */
  samples?: number;
  /** progress lines (default: console.log with a `[growth]` prefix) */
  log?: (line: string) => void;
}

const mb = (v: unknown) => Number(v) / 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What a run still holds (server, database), for a signal to release. */
const cleanups = new Set<() => Promise<void>>();

/** The world's shape for the report. */
function describeWorld(world: World): GrowthResults["world"] {
  const groups = world.kinds.filter((k) => k === "group").length;
  return {
    users: world.userIds.length,
    conversations: world.conversationIds.length,
    groups,
    directs: world.kinds.length - groups,
    memberships: world.members.reduce((n, m) => n + m.length, 0),
    probeConversations: world.probeConversations.length,
    probeGroups: world.probeConversations.filter((c) => world.kinds[c] === "group").length,
    largestGroup: Math.max(...world.members.map((m) => m.length)),
  };
}

/** How big things are now: rows, the probe's share, MB on disk. */
async function measureData(sql: postgres.Sql, world: World): Promise<Pick<GrowthPoint, "tableMessages" | "probeMessages" | "largestConversation" | "storage">> {
  const ids = world.probeConversations.map((c) => world.conversationIds[c]);
  const [r] = await sql`
    select (select count(*) from messages)::bigint as total,
      (select count(*) from messages where conversation_id = any(${ids}::uuid[]))::bigint as probe,
      (select count(*) from messages where conversation_id = ${ids[0]})::bigint as largest,
      pg_relation_size('messages') as heap, pg_total_relation_size('messages') as total_size,
      pg_total_relation_size('message_search') as search`;
  return {
    tableMessages: Number(r.total),
    probeMessages: Number(r.probe),
    largestConversation: Number(r.largest),
    storage: { tableMB: mb(r.heap), totalMB: mb(r.total_size), searchMB: mb(r.search) },
  };
}

/**
 * Runs the whole bench and returns its figures (nothing is written: see `growthSection` and
 * `growthPlansFile`). Starts Parley's production server once per size (building it first if stale).
 */
export async function runGrowthBench(opts: GrowthOptions): Promise<GrowthResults> {
  const started = performance.now();
  const log = opts.log ?? ((line: string) => console.log(`[growth] ${line}`));
  const root = opts.root ?? process.cwd();
  const sizes = [...opts.sizes].sort((a, b) => a - b);
  const dir = path.join(root, ".data", `bench-growth-${process.pid}`);
  let db: EmbeddedDatabase | undefined;
  let server: Child | undefined;
  let bare: Child | undefined;
  let sql: postgres.Sql | undefined;
  const cleanup = async () => {
    await server?.stop().catch(() => {});
    await bare?.stop().catch(() => {});
    await sql?.end().catch(() => {});
    if (db) {
      await db.stop().catch(() => {});
      removeEmbeddedData(path.join(dir, "postgres")); // as root, possibly under /var/lib/parley
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  try {
    ensureBuild(root);
    let url = opts.databaseUrl;
    if (!url) {
      fs.rmSync(dir, { recursive: true, force: true });
      db = await startEmbeddedDatabase({ dataDir: path.join(dir, "postgres"), password: randomBytes(18).toString("base64url"), database: "parley" });
      url = db.url;
    }
    await runMigrations(url);
    sql = postgres(url, { max: 1, onnotice: () => {} });
    const secret = randomBytes(32).toString("base64url");
    log(`seeding ${GROWTH_WORLD.users.toLocaleString("en-US")} users and ${GROWTH_WORLD.conversations.toLocaleString("en-US")} conversations`);
    const world = await seedWorld(sql, sizes[sizes.length - 1]);
    const cookies = await mintCookies(sql, secret, world, [world.probe, ...sendersOf(world)]);
    const [machine] = await sql`select current_setting('shared_buffers') as sb, current_setting('server_version') as v`;

    if (PROFILE_DIR) fs.mkdirSync(PROFILE_DIR, { recursive: true });
    bare = await startBareHttp(await freePort());
    const points: GrowthPoint[] = [];
    const batches: WriterBatch[] = [];
    for (const target of sizes) {
      log(`growing to ${target.toLocaleString("en-US")} messages`);
      const grow = await growTo(sql, world, target, (line) => log(`  ${line}`));
      log(`  grown in ${grow.totalSeconds.toFixed(0)} s (COPY ${grow.copySeconds.toFixed(0)} s, search documents ${grow.searchSeconds.toFixed(0)} s, VACUUM ${grow.vacuumSeconds.toFixed(0)} s)`);
      const data = await measureData(sql, world);
      server = await startParley({
        port: await freePort(),
        inspectPort: await freePort(),
        batches,
        env: { DATABASE_URL: url, NEXTAUTH_SECRET: secret, PARLEY_DATA_DIR: path.join(dir, "parley") },
      });
      batches.splice(0);
      const serverPid = server.pid;
      const postmaster = db ? postmasterPid(db.dataDir) : undefined;
      const cpu = () => ({
        server: cpuSeconds(serverPid),
        postgres: postmaster ? treeCpuSeconds(postmaster) : NaN,
      });
      const inspectPort = server.inspectPort!;
      const profile = PROFILE_DIR ? (name: string) => startCpuProfile(inspectPort, path.join(PROFILE_DIR, `${name}-${target}.cpuprofile`)) : undefined;
      const measured = await measurePoint({ url: server.url, floorUrl: bare.url, sql, world, cookies, seed: target % 1000, cpu, log, profile, sendMs: opts.sendMs, samples: opts.samples });
      await sleep(1500); // the writer trace's last line (once a second)
      const writer = { batches: batches.length, meanSize: batches.reduce((n, b) => n + b.size, 0) / batches.length, transaction: summarize(batches.map((b) => b.transactionMs)) };
      await server.stop();
      server = undefined;
      // what the server's indexer had not taken yet, so the next size starts with an empty queue
      const { indexAll } = await import("@/lib/search/indexer");
      await indexAll(sql);
      points.push({ messages: target, ...data, grow, ...measured, writer });
    }

    const last = points[points.length - 1];
    let plans: GrowthResults["plans"] = [];
    if (opts.plans !== false && last) {
      log(`EXPLAIN of the hot paths at ${last.messages.toLocaleString("en-US")} messages`);
      plans = await explainHotPaths(url, world, GROWTH_SAMPLES.missed);
    }
    return {
      date: new Date().toISOString(),
      quick: (last?.messages ?? 0) < GROWTH_BOUNDS.size,
      world: describeWorld(world),
      machine: { sharedBuffers: machine.sb as string, postgres: machine.v as string },
      points,
      plans,
      planSize: last?.messages ?? 0,
      totalSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

/** Writes docs/growth.md (the section) and docs/growth-plans.md from a full run made by `command`. */
export function writeGrowthDocs(results: GrowthResults, root: string, command: string): void {
  fs.writeFileSync(path.join(root, "docs", "growth.md"), growthSection(results, "#"));
  fs.writeFileSync(path.join(root, "docs", "growth-plans.md"), growthPlansFile(results, command));
}

/** `npm run bench:growth [-- --quick]`. */
async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void Promise.all([...cleanups].map((c) => c())).finally(() => process.exit(130)));
  }
  const quick = process.argv.includes("--quick");
  const root = process.cwd();
  const results = await runGrowthBench({ sizes: quick ? GROWTH_SIZES.quick : GROWTH_SIZES.full, root });
  const section = growthSection(results, "#");
  console.log(`\n${section}`);
  if (!quick) {
    writeGrowthDocs(results, root, "npm run bench:growth");
    console.log("[growth] wrote docs/growth.md and docs/growth-plans.md");
  }
  console.log(`[growth] done in ${(results.totalSeconds / 60).toFixed(1)} minutes`);
}

if (/bench[\\/]growth\.ts$/.test(process.argv[1] ?? "")) {
  main().catch((err) => {
    console.error("[growth] failed:", err);
    process.exitCode = 1;
  });
}
