/** The bench's child processes: Parley's production server, the bare relay and the load generator. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Command, LoadEvent, Reply } from "./protocol";

export interface Child {
  proc: ChildProcess;
  pid: number;
  url: string;
  /** the V8 inspector's port (Parley only: the bench forces garbage collections through it) */
  inspectPort?: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
function stopper(proc: ChildProcess, graceMs = 10_000): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
}

async function waitUntil(check: () => Promise<boolean>, proc: ChildProcess, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited during start (code ${proc.exitCode})`);
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} did not start within ${ms / 1000} s`);
}

export interface WriterBatch {
  at: number;
  size: number;
  /** the whole commit: transaction, then emits and acks */
  ms: number;
  transactionMs: number;
}

/** Parley's production server, with the writer's group commits timed (bench/writer-trace.ts) into `batches`. */
export async function startParley(opts: {
  port: number;
  inspectPort: number;
  env: Record<string, string>;
  nodeArgs?: string[];
  batches: WriterBatch[];
  /** more modules to preload (`--import`, after tsx), such as bench/storm-trace.ts */
  imports?: string[];
  /** called with the server's pid as soon as it is spawned (before it answers) */
  onSpawn?: (pid: number) => void;
}): Promise<Child> {
  // one process unless the target asks for workers (WEB_CONCURRENCY's default is a worker per core)
  const env: NodeJS.ProcessEnv = { ...process.env, WEB_CONCURRENCY: "1", ...opts.env, NODE_ENV: "production", PORT: String(opts.port), HOST: "127.0.0.1", RATE_LIMITS: "off" };
  env.BENCH_WRITER_TRACE = "1";
  const args = [`--inspect=127.0.0.1:${opts.inspectPort}`, ...(opts.nodeArgs ?? []), "--import", "tsx", "--import", "./bench/writer-trace.ts", ...(opts.imports ?? []).flatMap((m) => ["--import", m]), "server.ts"];
  const proc = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  opts.onSpawn?.(proc.pid!);
  // Passes the server's errors on, without the inspector's "Debugger listening" banner.
  createInterface({ input: proc.stderr! }).on("line", (line) => {
    if (line.startsWith("[writer-trace] ")) {
      const at = Date.now();
      const { batches } = JSON.parse(line.slice(15)) as { batches: [number, number, number][] };
      for (const [size, ms, transactionMs] of batches) opts.batches.push({ at, size, ms, transactionMs });
    } else if (!/Debugger|devtools|inspector/i.test(line)) console.error(line);
  });
  const url = `http://127.0.0.1:${opts.port}`;
  await waitUntil(async () => (await fetch(`${url}/api/health`)).ok, proc, "Parley", 90_000);
  return { proc, pid: proc.pid!, url, inspectPort: opts.inspectPort, stop: stopper(proc) };
}

/**
 * The floor of an HTTP read on this machine: a plain `node:http` server in its own process that answers
 * every request with a small JSON body (`{"ok":true}`, the API's headers left out), no session, no
 * database. The growth bench times one request to it after each read it measures, so every read's
 * latency stands beside what any HTTP answer costs at the same moment on the same client.
 */
export async function startBareHttp(port: number): Promise<Child> {
  const script = `require("node:http").createServer((req, res) => { res.writeHead(200, { "content-type": "application/json" }); res.end('{"ok":true}'); }).listen(${port}, "127.0.0.1")`;
  const proc = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(url)).ok, proc, "bare HTTP server", 10_000);
  return { proc, pid: proc.pid!, url, stop: stopper(proc) };
}

/** The bare relay (bench/relay.ts); with `inspectPort`, under the V8 inspector as Parley is (for window profiles). */
export async function startRelay(port: number, inspectPort?: number): Promise<Child> {
  const inspect = inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [];
  const proc = spawn(process.execPath, [...inspect, "--import", "tsx", "bench/relay.ts"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] });
  let ready = false;
  createInterface({ input: proc.stdout! }).on("line", (line) => (ready ||= line.includes("ready")));
  await waitUntil(async () => ready, proc, "relay", 30_000);
  return { proc, pid: proc.pid!, url: `http://127.0.0.1:${port}`, inspectPort, stop: stopper(proc) };
}

/** A load process: requests (`C`, answered once each) and the events (`E`) it sends on its own. */
export interface LoadProcess<C extends { cmd: string } = Command, E extends { event: string } = LoadEvent> {
  pid: number;
  request<T>(command: C, timeoutMs: number): Promise<T>;
  onEvent(fn: (e: E) => void): void;
  offEvent(fn: (e: E) => void): void;
  stop(): Promise<void>;
}

/**
 * A load generator in its own process (`script`: bench/load.ts, or bench/storm-load.ts with its own
 * commands), with more file descriptors for 10,000 sockets.
 */
export function startLoad<C extends { cmd: string } = Command, E extends { event: string } = LoadEvent>(workloadFile: string, script = "bench/load.ts"): LoadProcess<C, E> {
  const shell = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" --import tsx "$1" "$2"';
  const proc = spawn("sh", ["-c", shell, process.execPath, script, workloadFile], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map<number, (reply: Reply) => void>();
  const listeners: ((e: E) => void)[] = [];
  proc.on("message", (m: Reply | E) => {
    if ("event" in m) listeners.forEach((fn) => fn(m));
    else waiting.get(m.id)?.(m);
  });
  proc.once("exit", () => waiting.forEach((settle, id) => settle({ id, error: "load process exited" })));
  proc.on("error", () => {}); // a send to a process that died (EPIPE): its requests are refused by the exit above
  let nextId = 1;
  return {
    pid: proc.pid!,
    request<T>(command: C, timeoutMs: number): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`load: ${command.cmd} timed out`)), timeoutMs);
        waiting.set(id, (reply) => {
          clearTimeout(timer);
          waiting.delete(id);
          if ("error" in reply) reject(new Error(reply.error));
          else resolve(reply.result as T);
        });
        proc.send({ id, ...command });
      });
    },
    onEvent: (fn) => listeners.push(fn),
    offEvent: (fn) => listeners.splice(listeners.indexOf(fn), 1),
    stop: stopper(proc, 3_000),
  };
}
