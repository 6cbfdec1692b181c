/**
 * `npm start` with WEB_CONCURRENCY > 1 (the default on a machine with several cores): this process is
 * the primary of a Node cluster. It starts the embedded PostgreSQL once (unless DATABASE_URL is
 * given), runs the migrations once, then forks that many workers, each a whole Parley server
 * (server.ts: Next and Socket.IO) on the shared database.
 *
 * Connections: the primary owns the listening socket but never reads from it. Each connection is
 * accepted paused and its socket handed, untouched, to the next ready worker in turn (round robin,
 * as Node's own cluster does), which serves it as if it had accepted it: bodies, keep-alive,
 * pipelining and timeouts are the worker's HTTP server's own business. (Node's SCHED_NONE, the
 * workers accepting from the shared socket themselves, would spare the primary that IPC, but the
 * kernel then gave a lone client's connections all to one idle worker.) Handles queued for a worker
 * that dies are closed, so their clients retry at once.
 * Only a long-polling Socket.IO session needs more (Socket.IO, "Using multiple nodes": every request
 * of a session must reach the process that holds it): a worker's Engine.IO ids start with its slot
 * (`w<slot>.`), and a worker that receives a request or upgrade for another slot's session hands the
 * connection back with that request's bytes (bounded in size, time and bytes in flight), and the
 * primary passes it to the slot's worker (`acceptConnections` below). Parley's own client uses
 * WebSocket only, so that is for other clients. This replaces `@socket.io/sticky`, which parsed
 * every request in the primary and relayed every body over IPC.
 *
 * Between workers: `@socket.io/cluster-adapter` carries room broadcasts, `socketsJoin`,
 * `disconnectSockets`… over the cluster's IPC channel (with REDIS_URL the Redis adapter does, as
 * for nodes); rate-limit counters live in the primary (rate-limiter-flexible's
 * RateLimiterClusterMaster), and presence is tallied in the primary, which orders its announcements
 * (lib/people/presence.ts), so limits and "online" hold for the machine.
 * A worker that dies is replaced in its slot (after 1 s, doubling to 30 s while replacements keep
 * dying); its clients reconnect to the others and catch up with `sync`, as after a node's death.
 */
import cluster, { type Worker } from "node:cluster";
import type { Server as HttpServer, IncomingMessage } from "node:http";
import net from "node:net";
import { AppError, errorBody } from "@/lib/platform/errors";
import { listen } from "@/lib/http/listen";
import path from "node:path";
import { setupPrimary as setupAdapterPrimary } from "@socket.io/cluster-adapter";
import { RateLimiterClusterMaster } from "rate-limiter-flexible";
import { closeDb } from "./db";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./db/embedded";
import { runMigrations } from "./db/migrate";
import { loadEnv } from "@/lib/platform/env";
import { relayBetweenWorkers } from "@/lib/platform/peers";
import { tallyPresence } from "@/lib/people/presence";
import { loadLocalSecrets } from "@/lib/platform/secrets";

/** The `channel` of this file's IPC messages between the primary and its workers. */
const CHANNEL = "parley:cluster";
/** A worker, once its server is ready: `{ channel, type: "ready" }`. */
export const WORKER_READY = { channel: CHANNEL, type: "ready" } as const;

/**
 * A connection, primary to worker (with the socket as the message's handle): `data` are bytes
 * already read from it (a handed-back request), `pinned` says to serve its first request here even if its
 * session belongs to another slot (that slot has no live worker: Engine.IO answers "Session ID
 * unknown" and the client opens a new session).
 * A handed-back connection, worker to primary: `slot` is the worker slot its session belongs to.
 */
interface ConnectionMessage {
  channel: typeof CHANNEL;
  type: "connection" | "reroute";
  data?: Uint8Array;
  slot?: number;
  pinned?: boolean;
}

const RESTART_DELAY_MS = { first: 1_000, max: 30_000 };
/** While no worker is ready (all restarting), at most this many connections wait, each at most `ms`. */
const WAITING = { max: 10_000, ms: 15_000 };
/** How long a worker may take to shut down gracefully before it is killed (under the primary's own 15 s). */
const WORKER_STOP_MS = 10_000;
/**
 * Handing back: a request's body must arrive within BODY_MS (as an upload's idle limit would end it
 * in one process); a worker has at most IN_FLIGHT bytes of handed-back requests on their way at once
 * (more is refused with 503, `unavailable`), and the primary at most PRIMARY_IN_FLIGHT (more is closed):
 * the bodies travel over the IPC channel, which must stay free for broadcasts.
 */
const REROUTE = { bodyMs: 10_000, inFlight: 4 * 2 ** 20, primaryInFlight: 16 * 2 ** 20 };

/** The slot of an Engine.IO session id made by `sessionIds`, or undefined. */
export function slotOfSession(sid: string | null | undefined): number | undefined {
  const m = /^w(\d{1,2})\./.exec(sid ?? "");
  return m ? Number(m[1]) : undefined;
}

/** This worker's slot (0…WEB_CONCURRENCY − 1, kept by its replacement), or undefined outside a cluster. */
export function workerSlot(): number | undefined {
  const slot = process.env.PARLEY_WORKER_SLOT;
  return cluster.isWorker && slot !== undefined && /^\d{1,2}$/.test(slot) ? Number(slot) : undefined;
}

/** The session (`sid`) a Socket.IO request names, if it is one: `/socket.io/?…&sid=…`. */
function sessionOf(req: IncomingMessage, ioPath: string): string | undefined {
  const url = req.url ?? "";
  if (!url.startsWith(ioPath)) return undefined;
  const q = url.indexOf("?");
  return q === -1 ? undefined : (new URLSearchParams(url.slice(q + 1)).get("sid") ?? undefined);
}

/**
 * A request's head as the client sent it (its raw header lines), for the worker it is handed to;
 * with `bodyBytes`, its body follows whole, so the framing becomes that Content-Length.
 */
function headBytes(req: IncomingMessage, bodyBytes?: number): Buffer {
  let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    if (bodyBytes !== undefined && /^(content-length|transfer-encoding)$/i.test(name)) continue;
    head += `${name}: ${req.rawHeaders[i + 1]}\r\n`;
  }
  if (bodyBytes) head += `Content-Length: ${bodyBytes}\r\n`;
  return Buffer.from(head + "\r\n", "latin1");
}

/** What `acceptConnections` needs of the Socket.IO server: its path and its Engine.IO server. */
interface RealtimeLike {
  path(): string;
  engine: { generateId(req: IncomingMessage): string | PromiseLike<string>; opts: { maxHttpBufferSize?: number } };
}

/**
 * In a worker (server.ts), once Socket.IO is attached to `httpServer` (it wraps the "request" and
 * "upgrade" listeners present then, so call this after it and after any listener meant to run
 * first):
 * - names this worker's Engine.IO sessions `w<slot>.<base64id>`;
 * - hands back to the primary a request or upgrade that names another slot's session, with the
 *   bytes the primary must pass on (the head as the client sent it, then the body, at most
 *   Engine.IO's maxHttpBufferSize, framed again by Content-Length, once it has arrived within
 *   REROUTE.bodyMs: else 408), while this worker's handed-back bytes on their way stay under
 *   REROUTE.inFlight (else 503). Bytes a client pipelined behind such a request are lost with this
 *   worker's parser; Socket.IO's polling never pipelines;
 * - serves each connection the primary hands over as if this server had accepted it (`pinned`
 *   and `data` as in ConnectionMessage), half-open allowed and without Nagle's delay, as
 *   `http.createServer` sets its own.
 * Returns `drain(ms)`, for shutdown: closes idle connections at once and the others as soon as their
 * response is done, and resolves when none is left, or after `ms`, destroying the rest.
 */
export function acceptConnections(httpServer: HttpServer, io: RealtimeLike): { drain(ms: number): Promise<void> } {
  const maxBody = io.engine.opts.maxHttpBufferSize ?? 1e6; // Engine.IO's default
  const slot = workerSlot();
  if (slot === undefined) throw new Error("acceptConnections runs in a cluster worker only");
  const engine = io.engine;
  const generateId = engine.generateId.bind(engine);
  engine.generateId = async (req) => `w${slot}.${await generateId(req)}`;

  const open = new Set<net.Socket>();
  const pinned = new WeakSet<net.Socket>();
  process.on("message", (message: Partial<ConnectionMessage> | null, handle: unknown) => {
    if (message?.channel !== CHANNEL || message.type !== "connection" || !(handle instanceof net.Socket)) return;
    const socket = handle;
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    if (message.pinned) pinned.add(socket);
    socket.allowHalfOpen = true; // http.Server's own sockets are half-open: it answers a client that has sent FIN
    socket.setNoDelay(true);
    httpServer.emit("connection", socket);
    if (message.data?.length) socket.emit("data", Buffer.from(message.data));
    socket.resume();
  });

  const ioPath = io.path().replace(/\/?$/, "/");
  /** The slot a request must go to instead of this worker, or undefined to serve it here. */
  const elsewhere = (req: IncomingMessage): number | undefined => {
    const owner = slotOfSession(sessionOf(req, ioPath));
    if (owner === undefined || owner === slot) return undefined;
    if (pinned.has(req.socket)) {
      pinned.delete(req.socket); // served here once; the connection's later requests are routed again
      return undefined;
    }
    return owner;
  };
  let inFlight = 0;
  const handBack = (socket: net.Socket, data: Buffer, to: number) => {
    const message: ConnectionMessage = { channel: CHANNEL, type: "reroute", slot: to, data };
    inFlight += data.length;
    // The handle leaves with the message (Node detaches it from `socket` when it is written); this
    // side's socket object is then only released. A socket still holding its handle is destroyed
    // only when the send failed.
    process.send!(message, socket, { keepOpen: false }, (err) => {
      inFlight -= data.length;
      if (err || !(socket as unknown as { _handle: unknown })._handle) socket.destroy();
    });
  };
  const refuse = (res: import("node:http").ServerResponse, err: AppError) => {
    if (res.headersSent) return void res.socket?.destroy();
    const body = JSON.stringify(errorBody(err));
    res.writeHead(err.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" }).end(body);
  };

  const requestListeners = httpServer.listeners("request") as ((req: IncomingMessage, res: import("node:http").ServerResponse) => void)[];
  httpServer.removeAllListeners("request");
  httpServer.on("request", (req, res) => {
    const to = elsewhere(req);
    if (to === undefined) {
      for (const listener of requestListeners) listener.call(httpServer, req, res);
      return;
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (inFlight + (Number.isFinite(declared) ? declared : 0) > REROUTE.inFlight) {
      return refuse(res, new AppError("unavailable", "The server is busy; try again"));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (err: AppError) => {
      failed = true;
      clearTimeout(deadline);
      refuse(res, err);
    };
    const deadline = setTimeout(() => fail(new AppError("request_timeout", "The request body did not arrive in time")), REROUTE.bodyMs);
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBody) fail(new AppError("payload_too_large", "The request body is too large"));
      else if (inFlight + size > REROUTE.inFlight) fail(new AppError("unavailable", "The server is busy; try again"));
      else chunks.push(chunk);
    });
    req.once("end", () => {
      clearTimeout(deadline);
      if (!failed) handBack(req.socket, Buffer.concat([headBytes(req, size), ...chunks]), to);
    });
    req.once("error", () => clearTimeout(deadline));
  });
  const upgradeListeners = httpServer.listeners("upgrade") as ((req: IncomingMessage, socket: net.Socket, head: Buffer) => void)[];
  httpServer.removeAllListeners("upgrade");
  httpServer.on("upgrade", (req, socket: net.Socket, head: Buffer) => {
    const to = elsewhere(req);
    if (to === undefined) for (const listener of upgradeListeners) listener.call(httpServer, req, socket, head);
    else handBack(socket, Buffer.concat([headBytes(req), head]), to);
  });

  return {
    async drain(ms) {
      const until = Date.now() + ms;
      while (open.size > 0 && Date.now() < until) {
        httpServer.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const socket of open) socket.destroy();
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
    // handed-back request bytes as bytes, not JSON arrays.
    const execArgv = process.execArgv.filter((a) => !a.startsWith("--inspect"));
    if (!execArgv.includes("tsx")) execArgv.unshift("--import", "tsx");
    cluster.setupPrimary({ exec: path.join(__dirname, "server.ts"), execArgv, serialization: "advanced" });

    /** the ready worker of each slot */
    const ready = new Map<number, Worker>();
    setupAdapterPrimary();
    new RateLimiterClusterMaster();
    relayBetweenWorkers();
    // the announcer: the ready worker of the lowest slot
    tallyPresence(() => [...ready.entries()].sort(([a], [b]) => a - b)[0]?.[1]);

    let closing = false;
    let turn = 0;
    let inFlight = 0;
    const waiting: { socket: net.Socket; message: ConnectionMessage; timer: NodeJS.Timeout }[] = [];
    /**
     * Sockets sent to each worker and not yet taken. Node sends one handle at a time per worker,
     * each awaiting the worker's acknowledgement; when the worker dies it closes only the one on its
     * way and drops the queued ones without a word (their callbacks never run): closed here.
     */
    const passing = new Map<Worker, Set<net.Socket>>();
    const pass = (worker: Worker, socket: net.Socket, message: ConnectionMessage) => {
      const bytes = message.data?.byteLength ?? 0;
      let pending = passing.get(worker);
      if (!pending) passing.set(worker, (pending = new Set()));
      pending.add(socket);
      inFlight += bytes;
      worker.send(message, socket, { keepOpen: false }, (err) => {
        inFlight -= bytes;
        pending.delete(socket);
        if (err) socket.destroy(); // not sendable (the worker is gone); on success the handle left with the message
      });
    };
    /** Hands a connection to the worker of `slot` if it has one, else to the next ready worker in turn. */
    const route = (socket: net.Socket, message: ConnectionMessage) => {
      if (closing) return void socket.destroy();
      const own = message.slot === undefined ? undefined : ready.get(message.slot);
      const forward: ConnectionMessage = { channel: CHANNEL, type: "connection", data: message.data };
      if (own) return pass(own, socket, forward);
      const workers = [...ready.values()].filter((w) => w.isConnected());
      if (workers.length === 0) {
        // every worker is restarting: the connection waits (paused: nothing is read) for the first back
        if (waiting.length >= WAITING.max) return void socket.destroy();
        const entry = { socket, message, timer: setTimeout(() => socket.destroy(), WAITING.ms) };
        socket.once("close", () => {
          clearTimeout(entry.timer);
          const at = waiting.indexOf(entry);
          if (at !== -1) waiting.splice(at, 1);
        });
        waiting.push(entry);
        return;
      }
      // a session's slot with no live worker: served once by this one, whose Engine.IO says the session is unknown
      pass(workers[turn++ % workers.length], socket, { ...forward, pinned: message.slot !== undefined });
    };
    const listener = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
      socket.on("error", () => socket.destroy());
      route(socket, { channel: CHANNEL, type: "connection" });
    });
    cluster.on("message", (_worker, message: Partial<ConnectionMessage> | null, handle: unknown) => {
      if (message?.channel !== CHANNEL || message.type !== "reroute" || !(handle instanceof net.Socket)) return;
      handle.on("error", () => handle.destroy());
      // the bodies of handed-back requests are bounded in each worker, and here for the machine
      if ((message.data?.byteLength ?? 0) + inFlight > REROUTE.primaryInFlight) return void handle.destroy();
      route(handle, { channel: CHANNEL, type: "connection", slot: message.slot, data: message.data });
    });

    let restartDelay = RESTART_DELAY_MS.first;
    const fork = (slot: number, replacing = false): Promise<Worker> =>
      new Promise((resolve, reject) => {
        const env = { PARLEY_CLUSTER: "1", PARLEY_WORKER_SLOT: String(slot), DATABASE_URL: settled.databaseUrl, NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET };
        const worker = cluster.fork(env);
        // the cluster limiter and adapter send to a worker that has died but is still listed without a
        // callback: Node then emits EPIPE as "error" on the Worker, which unheard would crash the primary
        worker.on("error", (err) => console.error(`[parley] worker ${worker.process.pid}: ${err.message}`));
        let isReady = false;
        worker.on("message", (m: Partial<typeof WORKER_READY> | null) => {
          if (m?.channel !== WORKER_READY.channel || m.type !== WORKER_READY.type) return;
          isReady = true;
          ready.set(slot, worker);
          restartDelay = RESTART_DELAY_MS.first;
          if (replacing) console.log(`[parley] worker ${worker.process.pid} ready in slot ${slot}`);
          for (const { socket, message, timer } of waiting.splice(0)) {
            clearTimeout(timer);
            route(socket, message);
          }
          resolve(worker);
        });
        // its IPC channel closes as it dies, before "exit": nothing more is passed to it from then on
        const gone = () => {
          if (ready.get(slot) === worker) ready.delete(slot);
          for (const socket of passing.get(worker) ?? []) socket.destroy();
          passing.delete(worker);
        };
        worker.once("disconnect", gone);
        worker.once("exit", (code, signal) => {
          gone();
          if (!isReady) reject(new Error(`a worker exited (${signal ?? code}) before it was ready`));
          if (closing) return;
          console.error(`[parley] worker ${worker.process.pid} exited (${signal ?? code}); starting another in ${restartDelay / 1000} s`);
          setTimeout(() => {
            if (!closing) fork(slot, true).catch((err: unknown) => console.error("[parley]", err instanceof Error ? err.message : err));
          }, restartDelay).unref();
          restartDelay = Math.min(restartDelay * 2, RESTART_DELAY_MS.max);
        });
      });
    try {
      await Promise.all(Array.from({ length: opts.workers }, (_, slot) => fork(slot)));
    } catch (err) {
      closing = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGKILL");
      throw err;
    }
    await listen(listener, port, host);
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
          for (const { socket } of waiting.splice(0)) socket.destroy();
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
