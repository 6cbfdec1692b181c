/**
 * Parley's one process: Next.js (pages, actions, route handlers) and Socket.IO on one HTTP server.
 * Without DATABASE_URL it starts an embedded PostgreSQL in .data/postgres and stops it last (as
 * root, possibly with the data elsewhere and .data/postgres a link to it: db/embedded-root.ts).
 * With WEB_CONCURRENCY > 1, `runFromCommandLine` starts cluster.ts's primary instead, which does the
 * database part once and runs this file in each worker: a worker serves the connections the primary
 * hands it and shares rooms with the other workers (see cluster.ts).
 */
import cluster from "node:cluster";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { createAdapter as createClusterAdapter } from "@socket.io/cluster-adapter";
import { createAdapter } from "@socket.io/redis-adapter";
import next from "next";
import { closeDb } from "./db";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./db/embedded";
import { runMigrations } from "./db/migrate";
import { messagesSettled } from "@/lib/messages/send";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { answerMalformedRequests, withBoundedBody } from "@/lib/http/body-limit";
import { keepDeclaredLength } from "@/lib/http/content-length";
import { listen } from "@/lib/http/listen";
import { serveRead } from "@/lib/http/reads";
import { AppError, errorBody } from "@/lib/platform/errors";
import { clientAddressOf } from "@/lib/http/client-address";
import { believeForwardedHeaders, isCrossOrigin, isValidHost } from "@/lib/http/origin";
import { createRealtime } from "@/lib/realtime/server";
import { startAttachmentSweeper } from "@/lib/attachments/sweeper";
import { startAttachmentReaper } from "@/lib/attachments/reaper";
import { attachmentStore, closeAttachmentStore } from "@/lib/attachments/store";
import { startSearchIndexer } from "@/lib/search/indexer";
import { closeRedis, connectRedis, forgivingPublisher, redisPrefix } from "@/lib/platform/redis";
import { EnvError, loadEnv } from "@/lib/platform/env";
import { inCluster } from "@/lib/platform/peers";
import { loadLocalSecrets } from "@/lib/platform/secrets";
import { parseForm } from "@/lib/platform/text-decoding";
import { acceptConnections, startCluster, WORKER_READY } from "./cluster";

export interface StartOptions {
  dev?: boolean;
  port?: number;
  host?: string;
  dataDir?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function isDecodablePath(url: string): boolean {
  try {
    decodeURIComponent(url.split("?")[0]);
    return true;
  } catch {
    return false;
  }
}

/** Whether an `/api/` URL's query decodes to UTF-8 text (lib/platform/text-decoding.ts `parseForm`); other URLs always pass. */
function isDecodableApiQuery(url: string): boolean {
  const q = url.indexOf("?");
  if (q === -1 || !url.startsWith("/api/")) return true;
  try {
    parseForm(url.slice(q + 1), "The query");
    return true;
  } catch {
    return false;
  }
}

function refuse(res: ServerResponse, err: AppError): void {
  const body = JSON.stringify(errorBody(err));
  res.writeHead(err.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store", "x-content-type-options": "nosniff" }).end(body);
}

/** The methods Parley's routes and pages serve; others are 405 before Next sees them. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);

/** Whether a Next-Router-State-Tree header, when present, is what Next expects: URI-encoded JSON of an array. */
function isRouterStateTree(value: string | string[] | undefined): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value) || value.length > 20_000) return false;
  try {
    return Array.isArray(JSON.parse(decodeURIComponent(value)));
  } catch {
    return false;
  }
}

/** Methods that change nothing (RFC 9110 safe methods): the only ones another origin may send. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  // Every variable is checked here, before anything starts (lib/platform/env.ts).
  const given = loadEnv();
  const dev = opts.dev ?? given.dev;
  const host = opts.host ?? given.host;
  const port = opts.port ?? given.port;
  const dataDir = path.resolve(opts.dataDir ?? given.dataDir);

  const secrets = loadLocalSecrets(dataDir);
  // next-auth reads NEXTAUTH_SECRET itself too; the generated one makes `npm start` need no setup.
  process.env.NEXTAUTH_SECRET = given.authSecret ?? secrets.authSecret;
  // next-auth v4 derives its URLs from Host / X-Forwarded-Host / -Proto when no NEXTAUTH_URL is
  // given; the forwarding headers it sees are only ever the trusted ones (believeForwardedHeaders).
  if (!given.publicUrl) process.env.AUTH_TRUST_HOST ??= "1";
  if (!given.rateLimitsOn) console.warn("[parley] RATE_LIMITS=off: rate limits and login throttling are disabled");

  // a worker of cluster.ts: the primary started the database, ran the migrations and owns the port
  const worker = inCluster();
  let embedded: EmbeddedDatabase | undefined;
  if (!given.databaseUrl && !worker) {
    embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "postgres"), password: secrets.dbPassword, database: "parley" });
    process.env.DATABASE_URL = embedded.url;
    const shown = embedded.dataDir.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), embedded.dataDir) : embedded.dataDir;
    console.log(`[parley] embedded PostgreSQL started (${embedded.note ?? `data in ${shown}`})`);
  }
  try {
    // The filled-in secret and database URL are what every module graph reads from here on.
    const settled = loadEnv();
    if (!worker) await runMigrations(settled.databaseUrl!);

    const app = next({ dev, hostname: host, port, dir: process.cwd() });
    // Next's request handler adds an "upgrade" listener of its own to this server on its first
    // request (next/dist/server/next.js setupWebSocketHandler), so every Socket.IO upgrade also ran
    // Next's upgrade handler (route resolution, and error listeners that kept the request alive as
    // long as the socket: about 1 KB per idle socket, issue 15 item 4). Parley hands Next only the
    // upgrades it serves (dev's HMR, below); marked as done so Next adds none.
    const custom = app as unknown as { didWebSocketSetup?: boolean };
    if (custom.didWebSocketSetup === false) custom.didWebSocketSetup = true;
    else console.warn("[parley] Next no longer has didWebSocketSetup: check that it does not listen to this server's upgrades");
    await app.prepare();
    const handle = app.getRequestHandler();

    const proxyHops = settled.trustProxy;
    // Bounded bodies first (lib/http/body-limit.ts): the handler below runs only once a request's body
    // has arrived whole, within its size limit and deadline; otherwise 413 / 408 and the connection closes.
    // Node's own Host check answers an empty 400 (ours below has the error shape); request heads
    // must arrive within 15 s (slowloris), checked every 2 s rather than Node's default 30 s.
    const serverOptions = { requireHostHeader: false, headersTimeout: 15_000, connectionsCheckingInterval: 2_000 };
    const httpServer = createServer(serverOptions, withBoundedBody((req: IncomingMessage, res: ServerResponse) => {
      // The socket's peer, or what trusted proxies forwarded; a client-sent header is overwritten.
      req.headers[CLIENT_ADDRESS_HEADER] = clientAddressOf(req.socket.remoteAddress, req.headers["x-forwarded-for"], proxyHops);
      // next-auth builds its URLs from Host: a missing or malformed one would make it answer 500.
      if (!isValidHost(req.headers.host)) return refuse(res, new AppError("bad_request", "The Host header is missing or not valid"));
      // Methods Next cannot serve (TRACE, CONNECT, WebDAV's…) make it throw: a bare 500.
      if (!KNOWN_METHODS.has(req.method ?? "")) return refuse(res, new AppError("method_not_allowed", "That method is not supported"));
      // Next parses this header of client navigations and answers a bare 500 when it is not its JSON.
      if (!isRouterStateTree(req.headers["next-router-state-tree"])) return refuse(res, new AppError("bad_request", "The router state header is not valid"));
      // Parley shows no optimised images; Next's image endpoint logs the raw `url` it is given.
      if ((req.url ?? "").split("?")[0] === "/_next/image") return refuse(res, new AppError("not_found", "Not found"));
      // Next would answer this with a bare 500; answer in the API's error shape instead.
      if (!isDecodablePath(req.url ?? "/")) return refuse(res, new AppError("bad_request", "The URL is not valid UTF-8"));
      // Next answers an API path with a trailing slash (`/api/users/`, or `/api/users/.` as a client
      // normalises it) with a 308 to the path without it, an answer of no documented kind; no API
      // path ends in "/": refused in the error shape.
      if (/^\/api\/.*\/$|^\/api\/$/.test((req.url ?? "/").split("?")[0])) return refuse(res, new AppError("not_found", "No such endpoint"));
      // Next re-encodes a query it cannot decode as U+FFFD, so route handlers never see the bytes:
      // an API query whose escapes are not UTF-8 is refused here (DESIGN Text rules; pages keep Next's reading).
      if (!isDecodableApiQuery(req.url ?? "/")) return refuse(res, new AppError("bad_request", "The query is not valid UTF-8 text"));
      // CSRF: a page of another origin (a sibling subdomain is the same site, so SameSite cookies
      // let it through) may change nothing: route handlers, server actions (also posted as a plain
      // form, which Next would answer with a bare 500), pages and next-auth alike.
      if (!SAFE_METHODS.has(req.method ?? "GET") && isCrossOrigin(req.headers)) {
        return refuse(res, new AppError("forbidden", "Cross-origin request refused"));
      }
      // The hot reads (the conversation list, history pages, the directory) are answered here, without Next's
      // request pipeline, by the same functions as their route handlers (lib/http/reads.ts); dev leaves them to Next.
      if (!dev && serveRead(req, res)) return;
      keepDeclaredLength(res); // Next drops route handlers' Content-Length (lib/http/content-length.ts)
      void handle(req, res);
    }));
    answerMalformedRequests(httpServer);
    const redisUrl = settled.redisUrl;
    const io = createRealtime(httpServer, { destroyUpgrade: !dev, sweepPresence: Boolean(redisUrl) });
    // Forwarding headers are reduced to what TRUST_PROXY believes before anyone reads them: Next,
    // next-auth (its URLs and callback-url cookie), Socket.IO's handshake. Prepended after
    // createRealtime, because engine.io wraps the "request" listeners present when it attaches and
    // answers /socket.io polling itself, before them.
    const believeForwarded = (req: IncomingMessage) => believeForwardedHeaders(req.headers, proxyHops);
    httpServer.prependListener("request", believeForwarded);
    httpServer.prependListener("upgrade", believeForwarded);
    let redisSub: Awaited<ReturnType<typeof connectRedis>> | undefined;
    if (redisUrl) {
      // Several nodes form one service: rooms, disconnects and presence go through Redis.
      const pub = await connectRedis(redisUrl);
      redisSub = pub.duplicate();
      let missedBroadcasts = false;
      redisSub.on("error", () => (missedBroadcasts = true)); // the command client reports Redis trouble
      redisSub.on("ready", () => {
        if (!missedBroadcasts) return;
        // Subscriptions are back (node-redis resubscribes before "ready"); what other nodes sent
        // meanwhile never arrived, so this node's clients catch up from the database.
        missedBroadcasts = false;
        console.log("[redis] reachable again: asking this node's clients to sync");
        io.local.emit("resync", { reason: "redis_recovered" });
      });
      await redisSub.connect();
      io.adapter(createAdapter(forgivingPublisher(pub), redisSub, { key: `${redisPrefix()}socket.io` }));
      console.log("[parley] Redis adapter on: this node shares rooms, limits and presence");
    } else if (worker) {
      io.adapter(createClusterAdapter());
    }
    // connections arrive from the primary; a polling session's requests reach the worker that holds it (cluster.ts)
    const connections = worker ? acceptConnections(httpServer, io) : undefined;
    if (dev) {
      const upgrade = app.getUpgradeHandler();
      httpServer.on("upgrade", (req, socket, head) => {
        if (!req.url?.startsWith("/socket.io")) void upgrade(req, socket, head);
      });
    }

    if (worker) {
      // Not listening: the primary owns the port. Node starts tracking connections and checking
      // request heads and bodies against their timeouts (headersTimeout, requestTimeout) on
      // "listening", so that is emitted.
      httpServer.emit("listening");
    } else {
      await listen(httpServer, port, host);
    }
    const actualPort = worker ? port : (httpServer.address() as { port: number }).port;
    const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${actualPort}`;
    if (worker) process.send!(WORKER_READY);
    else console.log(`[parley] ready on ${url} (${dev ? "development" : "production"})`);
    const stopSweeper = startAttachmentSweeper();
    const stopReaper = startAttachmentReaper();
    const stopIndexer = startSearchIndexer();
    if (settled.s3) {
      // a missing bucket or a refused key shows now, not at the first upload (which would answer 500)
      attachmentStore()
        .check()
        .then(
          () => console.log(`[parley] attachments are stored in S3 bucket ${settled.s3!.bucket}${settled.s3!.endpoint ? ` at ${settled.s3!.endpoint}` : ""}`),
          (err: unknown) => console.warn(`[parley] the S3 bucket ${settled.s3!.bucket} cannot be reached (uploads will fail until it can):`, err instanceof Error ? err.message : err),
        );
    }

    let closing: Promise<void> | undefined;
    return {
      url,
      port: actualPort,
      close() {
        // Graceful: stop accepting, let in-flight sends commit and be acked, then drop the
        // connections at the transport so clients reconnect (to another node, or to us once back)
        // and sync; the embedded database stops last.
        closing ??= (async () => {
          const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
          stopSweeper();
          stopReaper();
          const indexerStopped = stopIndexer().catch(() => {});
          await messagesSettled();
          io.engine.close(); // "transport close": socket.io clients reconnect by themselves
          await new Promise<void>((resolve) => io.close(() => resolve()));
          httpServer.closeIdleConnections();
          // a worker's server never listened, so close() returned at once: wait for its connections
          await connections?.drain(8_000);
          await stopped;
          await redisSub?.quit().catch(() => {});
          await closeRedis();
          await app.close().catch(() => {});
          await indexerStopped;
          closeAttachmentStore();
          await closeDb();
          await embedded?.stop();
        })();
        return closing;
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/**
 * Starts the server and shuts it down gracefully on SIGINT / SIGTERM: one process, or in production
 * with WEB_CONCURRENCY > 1 cluster.ts's primary and that many workers (this function again in each).
 */
export function runFromCommandLine(opts: StartOptions = {}): void {
  let workers = 1;
  try {
    const given = loadEnv();
    if (!(opts.dev ?? given.dev) && cluster.isPrimary) workers = given.workers;
  } catch {
    /* startServer reports the bad variable */
  }
  const start: Promise<{ close(): Promise<void> }> = workers > 1 ? startCluster({ ...opts, workers }) : startServer(opts);
  start
    .then((server) => {
      const shutdown = (signal: string) => {
        console.log(`[parley] ${signal}: shutting down`);
        const force = setTimeout(() => process.exit(1), 15_000);
        force.unref();
        server.close().then(
          () => process.exit(0),
          (err) => {
            console.error(err);
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", () => shutdown("SIGINT"));
      process.once("SIGTERM", () => shutdown("SIGTERM"));
    })
    .catch((err) => {
      // A bad variable is the operator's to fix: its message says which, a stack would only hide it.
      console.error("[parley] failed to start:", err instanceof EnvError ? err.message : err);
      process.exit(1);
    });
}

if (require.main === module) runFromCommandLine({ dev: process.argv.includes("--dev") ? true : undefined });
