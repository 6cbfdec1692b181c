/**
 * `npm start` with WEB_CONCURRENCY > 1: this process is the primary of a Node cluster. It starts the
 * embedded PostgreSQL once (unless DATABASE_URL is given), runs the migrations once, then forks that
 * many workers, each a whole Parley server (server.ts: Next and Socket.IO) on the shared database.
 *
 * As Socket.IO documents for a Node cluster ("Using multiple nodes", the cluster adapter's page):
 * - the primary owns the listening socket and hands each connection to a worker with
 *   `@socket.io/sticky`, which keeps a long-polling session (its `sid`) on the worker that opened it
 *   and sends new connections to the worker with the fewest;
 * - `@socket.io/cluster-adapter` carries room broadcasts, `socketsJoin`, `disconnectSockets`… between
 *   the workers over the cluster's IPC channel (with REDIS_URL the Redis adapter does, as for nodes);
 * - rate-limit counters live in the primary (rate-limiter-flexible's RateLimiterClusterMaster), and
 *   presence is shared through lib/platform/peers.ts, so limits and "online" hold for the machine.
 * A worker that dies is replaced (after 1 s, doubling to 30 s while replacements keep dying); its
 * clients reconnect to the others and catch up with `sync`, as after a node's death.
 */
import cluster, { type Worker } from "node:cluster";
import net from "node:net";
import path from "node:path";
import { setupMaster as setupStickyPrimary } from "@socket.io/sticky";
import { setupPrimary as setupAdapterPrimary } from "@socket.io/cluster-adapter";
import { RateLimiterClusterMaster } from "rate-limiter-flexible";
import { closeDb } from "./db";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./db/embedded";
import { runMigrations } from "./db/migrate";
import { loadEnv } from "@/lib/platform/env";
import { relayBetweenWorkers } from "@/lib/platform/peers";
import { loadLocalSecrets } from "@/lib/platform/secrets";

/** The IPC message a worker sends once its server is ready (server.ts). */
export const WORKER_READY = { channel: "parley:cluster", type: "ready" } as const;

/** A connection must send its first bytes within this many ms, or the primary closes it (a worker's own limits apply after). */
const FIRST_BYTES_MS = 15_000;
const RESTART_DELAY_MS = { first: 1_000, max: 30_000 };
/** How long a worker may take to shut down gracefully before it is killed (under the primary's own 15 s). */
const WORKER_STOP_MS = 10_000;
/**
 * sticky forwards a request body to its worker over IPC, chunk by chunk, as fast as the client sends
 * it: with nothing in between, bodies arriving faster than the IPC channel drains piled up in the
 * primary (1.5 GB from 8 connections sending refused 1 GiB uploads). Past HIGH bytes written to
 * workers but not yet through, the primary stops reading from the connection that sent the last
 * chunk (TCP then slows the client) until the backlog is under LOW.
 */
const IPC_BACKLOG = { high: 8 * 2 ** 20, low: 2 * 2 ** 20 };
let ipcBacklog = 0;

/** Counts the body bytes sent to `worker` that the IPC channel has not taken yet (see IPC_BACKLOG). */
function meterBodies(worker: Worker): void {
  const send = worker.send.bind(worker) as (...args: unknown[]) => boolean;
  worker.send = ((...args: unknown[]) => {
    const data = (args[0] as { data?: unknown } | null)?.data;
    if (!Buffer.isBuffer(data) && !(data instanceof Uint8Array)) return send(...args);
    const bytes = data.byteLength;
    const done = typeof args[args.length - 1] === "function" ? (args.pop() as (err: Error | null) => void) : undefined;
    ipcBacklog += bytes;
    return send(...args, (err: Error | null) => {
      ipcBacklog -= bytes;
      done?.(err);
    });
  }) as Worker["send"];
}

/** After each chunk sticky forwarded: pause this connection while the IPC backlog is over IPC_BACKLOG.high. */
function holdWhileBacklogged(socket: net.Socket): void {
  if (ipcBacklog <= IPC_BACKLOG.high || socket.isPaused()) return;
  socket.pause();
  const check = () => {
    if (socket.destroyed) return;
    if (ipcBacklog < IPC_BACKLOG.low) socket.resume();
    else setTimeout(check, 5);
  };
  setTimeout(check, 5);
}

/**
 * In a worker, from its first moment: keeps the connections the primary hands over before the
 * server is ready (sticky's messages, with their sockets), which would otherwise find no listener
 * and hang. `release()`, once `setupWorker` listens, hands them on in order.
 */
export function holdConnections(): { release(): void } {
  const held: [unknown, unknown][] = [];
  const hold = (message: { type?: unknown } | null, handle: unknown) => {
    if (typeof message?.type === "string" && message.type.startsWith("sticky:")) held.push([message, handle]);
  };
  process.on("message", hold);
  return {
    release() {
      process.off("message", hold);
      for (const [message, handle] of held.splice(0)) process.emit("message" as never, message as never, handle as never);
    },
  };
}

export interface ClusterOptions {
  workers: number;
  port?: number;
  host?: string;
  dataDir?: string;
}

export interface RunningCluster {
  url: string;
  port: number;
  /** the live workers' process ids */
  workerPids(): number[];
  /** stops accepting, shuts every worker down gracefully (SIGTERM, at most 10 s), then the database */
  close(): Promise<void>;
}

/** Starts the primary and `workers` workers; resolves once every worker is ready and the port is listening. */
export async function startCluster(opts: ClusterOptions): Promise<RunningCluster> {
  const given = loadEnv();
  const host = opts.host ?? given.host;
  const port = opts.port ?? given.port;
  const dataDir = path.resolve(opts.dataDir ?? given.dataDir);
  const secrets = loadLocalSecrets(dataDir);
  process.env.NEXTAUTH_SECRET = given.authSecret ?? secrets.authSecret;
  let embedded: EmbeddedDatabase | undefined;
  if (!given.databaseUrl) {
    embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "postgres"), password: secrets.dbPassword, database: "parley" });
    process.env.DATABASE_URL = embedded.url;
    console.log(`[parley] embedded PostgreSQL started (${embedded.note ?? `data in ${path.relative(process.cwd(), embedded.dataDir) || embedded.dataDir}`})`);
  }
  try {
    const settled = loadEnv();
    await runMigrations(settled.databaseUrl!);
    await closeDb(); // the workers have their own pools

    // Workers run server.ts itself (not `npm start`'s script, which would check the build again), with
    // this process's Node options but its inspector (one port each); "advanced" serialisation carries
    // Buffers (sticky's forwarded request bodies) as bytes, not JSON arrays.
    const execArgv = process.execArgv.filter((a) => !a.startsWith("--inspect"));
    if (!execArgv.includes("tsx")) execArgv.unshift("--import", "tsx");
    cluster.setupPrimary({ exec: path.join(__dirname, "server.ts"), execArgv, serialization: "advanced" });
    const listener = net.createServer();
    // sticky only listens to "connection" and reads the first bytes itself: a plain TCP server, no HTTP parser here
    setupStickyPrimary(listener as unknown as Parameters<typeof setupStickyPrimary>[0], { loadBalancingMethod: "least-connection" });
    listener.on("connection", (socket) => {
      // sticky waits for a connection's first bytes to choose a worker; a silent one is dropped
      const timer = setTimeout(() => socket.destroy(), FIRST_BYTES_MS);
      socket.once("data", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
      socket.on("error", () => socket.destroy());
      socket.on("data", () => holdWhileBacklogged(socket)); // after sticky's own listener has forwarded the chunk
    });
    setupAdapterPrimary();
    new RateLimiterClusterMaster();
    relayBetweenWorkers();

    let closing = false;
    let restartDelay = RESTART_DELAY_MS.first;
    const fork = (): Promise<Worker> =>
      new Promise((resolve, reject) => {
        const worker: Worker & { clientsCount?: number } = cluster.fork({ PARLEY_CLUSTER: "1", DATABASE_URL: settled.databaseUrl, NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET });
        // sticky's least-connection choice counts a worker's sessions: a starting worker would have the
        // fewest and get every new connection while it boots (seconds), so it counts as full until ready
        worker.clientsCount = Infinity;
        meterBodies(worker);
        // sticky and the cluster limiter send to a worker that has died but is still listed without a
        // callback: Node then emits EPIPE as "error" on the Worker, which unheard crashed the primary
        worker.on("error", (err) => console.error(`[parley] worker ${worker.process.pid}: ${err.message}`));
        let ready = false;
        worker.on("message", (m: Partial<typeof WORKER_READY> | null) => {
          if (m?.channel !== WORKER_READY.channel || m.type !== WORKER_READY.type) return;
          ready = true;
          worker.clientsCount = 0;
          restartDelay = RESTART_DELAY_MS.first;
          resolve(worker);
        });
        worker.once("exit", (code, signal) => {
          if (!ready) reject(new Error(`a worker exited (${signal ?? code}) before it was ready`));
          if (closing) return;
          console.error(`[parley] worker ${worker.process.pid} exited (${signal ?? code}); starting another in ${restartDelay / 1000} s`);
          setTimeout(() => {
            if (!closing) fork().catch((err: unknown) => console.error("[parley]", err instanceof Error ? err.message : err));
          }, restartDelay).unref();
          restartDelay = Math.min(restartDelay * 2, RESTART_DELAY_MS.max);
        });
      });
    try {
      await Promise.all(Array.from({ length: opts.workers }, fork));
    } catch (err) {
      closing = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGKILL");
      throw err;
    }
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(port, host, resolve);
    });
    const actualPort = (listener.address() as net.AddressInfo).port;
    const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${actualPort}`;
    console.log(`[parley] ready on ${url} (production, ${opts.workers} workers)`);

    let closed: Promise<void> | undefined;
    return {
      url,
      port: actualPort,
      workerPids: () => Object.values(cluster.workers ?? {}).flatMap((w) => (w?.process.pid ? [w.process.pid] : [])),
      close() {
        closed ??= (async () => {
          closing = true;
          listener.close();
          const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
          await Promise.all(
            workers.map(
              (w) =>
                new Promise<void>((resolve) => {
                  if (w.isDead()) return resolve();
                  // within the 15 s that runFromCommandLine gives the primary before it exits itself
                  const force = setTimeout(() => w.process.kill("SIGKILL"), WORKER_STOP_MS);
                  w.once("exit", () => {
                    clearTimeout(force);
                    resolve();
                  });
                  w.process.kill("SIGTERM");
                }),
            ),
          );
          await embedded?.stop();
        })();
        return closed;
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
