/**
 * The environment (README "Configuration"), validated by one zod schema and read through `env()`.
 *
 * When it is read: lazily, on first use, then cached for the whole process (`singleton`), so
 * server.ts and Next's bundles (a second module graph in the same process) see one value. server.ts
 * fills in two variables before Next starts: NEXTAUTH_SECRET (generated into the data folder) and
 * DATABASE_URL (the embedded PostgreSQL). So it calls `loadEnv()` first (every variable is checked
 * before anything starts), writes its fill-ins into `process.env`, and calls `loadEnv()` again to
 * settle them; everything that reads `env()` afterwards — route handlers, sockets, the pool — sees
 * the filled-in values. Nothing re-reads `process.env` behind that: a change to it counts only once
 * `loadEnv()` is called (unit tests that vary the environment call it too). Other processes (test
 * nodes started with another environment) parse their own.
 *
 * An empty variable counts as unset (`PORT=` is the default port), as the code before it did for
 * DATABASE_URL and NEXTAUTH_URL. A bad value fails with an EnvError naming every bad variable.
 */
import "server-only";
import { availableParallelism } from "node:os";
import { z } from "zod";
import { setSingleton, singleton } from "./singleton";

/** A whole number in [min, max], written in decimal digits only ("1e3", "0x10" and "-1" are refused). */
const whole = (min: number, max: number) =>
  z
    .string()
    .refine((s) => /^\d{1,15}$/.test(s) && Number(s) >= min && Number(s) <= max, { error: `expected a whole number from ${min} to ${max}` })
    .transform(Number);

/**
 * postgres.js takes a list of hosts tried in turn (`postgres://u:p@db1:5432,db2:5433/x`), which the
 * WHATWG URL parser refuses; like postgres.js, check such a URL with its first host only.
 */
function withFirstHost(url: string): string {
  const authority = url.slice(url.indexOf("://") + 3).split(/[?/#]/)[0];
  const hosts = authority.slice(authority.indexOf("@") + 1);
  return hosts.includes(",") ? url.replace(hosts, hosts.split(",")[0]) : url;
}

/** An absolute URL whose scheme is one of `protocols` (`"https:"`…); `prepare` turns it into what `URL` parses. */
const urlOf = (protocols: string[], prepare: (url: string) => string = (url) => url) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(prepare(s)).protocol);
      } catch {
        return false;
      }
    },
    { error: `expected a ${protocols.map((p) => `${p}//`).join(" or ")} URL` },
  );

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const schema = z.object({
  NODE_ENV: optional(z.string()),
  PORT: optional(whole(0, 65_535)),
  HOST: optional(z.string()),
  PARLEY_DATA_DIR: optional(z.string()),
  WEB_CONCURRENCY: optional(whole(1, 64)),
  DATABASE_URL: optional(urlOf(["postgres:", "postgresql:"], withFirstHost)),
  DATABASE_POOL_SIZE: optional(whole(1, 1000)),
  NEXTAUTH_SECRET: optional(z.string()),
  AUTH_SECRET: optional(z.string()),
  NEXTAUTH_URL: optional(urlOf(["http:", "https:"])),
  REDIS_URL: optional(urlOf(["redis:", "rediss:"])),
  REDIS_PREFIX: optional(z.string()),
  TRUST_PROXY: optional(whole(0, 100)),
  RATE_LIMITS: optional(z.enum(["on", "off"], { error: 'expected "on" or "off"' })),
  PRESENCE_TTL_MS: optional(whole(1, 86_400_000)),
  PRESENCE_REFRESH_MS: optional(whole(1, 86_400_000)),
  UPLOAD_MAX_BYTES: optional(whole(1, 2 ** 31)),
  UPLOAD_QUOTA_BYTES: optional(whole(1, 2 ** 50)),
  UPLOAD_IDLE_MS: optional(whole(100, 3_600_000)),
  ATTACHMENT_STORE: optional(z.enum(["postgres", "s3"], { error: 'expected "postgres" or "s3"' })),
  S3_ENDPOINT: optional(urlOf(["http:", "https:"])),
  // S3's bucket naming rules: 3–63 lower-case letters, digits, dots and hyphens
  S3_BUCKET: optional(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "expected a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens" })),
  S3_REGION: optional(z.string()),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
}).superRefine((e, ctx) => {
  // An S3 store needs its bucket, a region (only AWS itself has no endpoint to imply one), and both
  // halves of a key or neither (then the SDK's own chain: AWS_* variables, an instance role).
  if (e.ATTACHMENT_STORE !== "s3") return;
  const need = (name: string, why: string) => ctx.addIssue({ code: "custom", path: [name], message: why });
  if (!e.S3_BUCKET) need("S3_BUCKET", 'required when ATTACHMENT_STORE is "s3"');
  if (!e.S3_ENDPOINT && !e.S3_REGION) need("S3_REGION", 'required when ATTACHMENT_STORE is "s3" without S3_ENDPOINT');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) need(e.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID", "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together");
});

/** Variables whose value may hold a password: an error names them but does not repeat the value. */
const SECRET_BEARING = new Set(["DATABASE_URL", "REDIS_URL", "NEXTAUTH_SECRET", "AUTH_SECRET", "S3_SECRET_ACCESS_KEY"]);

/** Where ATTACHMENT_STORE=s3 keeps attachment bytes (docs/attachments.md "Storage"). */
export interface S3Settings {
  /** S3_ENDPOINT: an S3-compatible server (MinIO, s3rver…), addressed path-style; unset means AWS itself */
  endpoint: string | undefined;
  /** S3_BUCKET: the bucket, which must exist */
  bucket: string;
  /** S3_REGION (default "us-east-1" when an endpoint is given) */
  region: string;
  /** S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY; unset means the SDK's default chain (AWS_* variables, an instance role) */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/**
 * WEB_CONCURRENCY's default for a machine with `cores` cores (os.availableParallelism(): what this
 * process may use, so a container's CPU limit counts): a worker per core but one, which PostgreSQL
 * needs (every send commits before it is acknowledged), at most 8 (each worker holds a whole Next
 * server, ~300-450 MB, and its own database pool). Heroku's and Render's Node guides advise a worker
 * per core for a server alone on its machine; on 2 cores `npm run bench` measured one process ahead
 * of two workers (p99 317 ms against 1,518 ms at 2,000 msgs/s, 2026-12-02). One or two cores: one
 * process, no cluster. README "Using the cores".
 */
export function defaultWorkers(cores: number): number {
  return Math.max(1, Math.min(Math.floor(cores) - 1, 8));
}

/** The parsed environment, defaults applied. */
export interface Env {
  /** NODE_ENV is not "production" (server.ts's `--dev` may still override it) */
  dev: boolean;
  /** PORT (default 3000; 0 picks a free port) and HOST (default 0.0.0.0): where to listen */
  port: number;
  host: string;
  /** PARLEY_DATA_DIR (default ".data"): embedded database and generated secrets, as given (not resolved) */
  dataDir: string;
  /**
   * WEB_CONCURRENCY: how many Node workers `npm start` runs on this machine (README "Using the
   * cores", docs/scaling.md); default `defaultWorkers()` of the cores this process may use
   */
  workers: number;
  /** DATABASE_URL; unset means server.ts starts the embedded PostgreSQL */
  databaseUrl: string | undefined;
  /** DATABASE_POOL_SIZE (default 10): connections in the pool */
  databasePoolSize: number;
  /** NEXTAUTH_SECRET, else AUTH_SECRET: signs session cookies (server.ts fills one in) */
  authSecret: string | undefined;
  /** NEXTAUTH_URL: the public URL, when given */
  publicUrl: string | undefined;
  /** whether the public URL is https: cookies get Secure and the `__Secure-` prefix */
  secureCookies: boolean;
  /** REDIS_URL; unset means one process */
  redisUrl: string | undefined;
  /** REDIS_PREFIX (default "parley:"): prefix of every Redis key and channel */
  redisPrefix: string;
  /** TRUST_PROXY (default 0): how many reverse proxies stand in front of the server */
  trustProxy: number;
  /** RATE_LIMITS is not "off" */
  rateLimitsOn: boolean;
  /** PRESENCE_TTL_MS (default 30 000) and PRESENCE_REFRESH_MS (default 10 000), in ms: tunable for node-failure tests */
  presenceTtlMs: number;
  presenceRefreshMs: number;
  /** UPLOAD_MAX_BYTES (default 25 MiB): the largest file one may attach, in bytes; larger is 413 */
  uploadMaxBytes: number;
  /** UPLOAD_QUOTA_BYTES (default 2 GiB): the bytes of files one account may hold (sent or not) */
  uploadQuotaBytes: number;
  /** UPLOAD_IDLE_MS (default 30 000): how long an upload's body may go without a byte before it is 408 (lib/http/body-limit.ts) */
  uploadIdleMs: number;
  /** ATTACHMENT_STORE (default "postgres"): where attachment bytes live */
  attachmentStore: "postgres" | "s3";
  /** the S3 store's settings when ATTACHMENT_STORE is "s3", else undefined */
  s3: S3Settings | undefined;
}

/** A variable with a value Parley cannot use; the message names each one and what was expected. */
export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses `source` (a `process.env`); throws EnvError when any variable has a bad value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = SECRET_BEARING.has(name) || source[name] === undefined ? "" : `, got ${JSON.stringify(source[name])}`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new EnvError(`Invalid environment (see README.md "Configuration"):\n${lines.join("\n")}`);
  }
  const e = result.data;
  return {
    dev: e.NODE_ENV !== "production",
    port: e.PORT ?? 3000,
    host: e.HOST ?? "0.0.0.0",
    dataDir: e.PARLEY_DATA_DIR ?? ".data",
    workers: e.WEB_CONCURRENCY ?? defaultWorkers(availableParallelism()),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE ?? 10,
    authSecret: e.NEXTAUTH_SECRET ?? e.AUTH_SECRET,
    publicUrl: e.NEXTAUTH_URL,
    secureCookies: e.NEXTAUTH_URL !== undefined && new URL(e.NEXTAUTH_URL).protocol === "https:",
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX ?? "parley:",
    trustProxy: e.TRUST_PROXY ?? 0,
    rateLimitsOn: e.RATE_LIMITS !== "off",
    presenceTtlMs: e.PRESENCE_TTL_MS ?? 30_000,
    presenceRefreshMs: e.PRESENCE_REFRESH_MS ?? 10_000,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES ?? 25 * 1024 * 1024,
    uploadQuotaBytes: e.UPLOAD_QUOTA_BYTES ?? 2 * 1024 * 1024 * 1024,
    uploadIdleMs: e.UPLOAD_IDLE_MS ?? 30_000,
    attachmentStore: e.ATTACHMENT_STORE ?? "postgres",
    s3:
      e.ATTACHMENT_STORE === "s3"
        ? {
            endpoint: e.S3_ENDPOINT,
            bucket: e.S3_BUCKET!,
            region: e.S3_REGION ?? "us-east-1",
            credentials: e.S3_ACCESS_KEY_ID ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY! } : undefined,
          }
        : undefined,
  };
}

/** This process's environment: `process.env` as parsed on first use or by the last `loadEnv()`. Throws EnvError. */
export function env(): Env {
  return singleton("env", () => parseEnv(process.env));
}

/**
 * Parses `source` (default `process.env`) now and makes it what `env()` returns from here on, in
 * every module graph of the process. For server.ts after it fills in variables, and for tests.
 * Throws EnvError (and keeps the previous value) when a variable is bad.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = parseEnv(source);
  setSingleton("env", parsed);
  return parsed;
}
