import postgres from "postgres";
import { availableParallelism } from "node:os";
import { EnvError, defaultWorkers, env, loadEnv, parseEnv } from "@/lib/platform/env";

describe("parseEnv", () => {
  it("gives README's defaults for an empty environment", () => {
    expect(parseEnv({})).toEqual({
      dev: true,
      port: 3000,
      host: "0.0.0.0",
      dataDir: ".data",
      workers: defaultWorkers(availableParallelism()),
      databaseUrl: undefined,
      databasePoolSize: 10,
      authSecret: undefined,
      publicUrl: undefined,
      secureCookies: false,
      redisUrl: undefined,
      redisPrefix: "parley:",
      trustProxy: 0,
      rateLimitsOn: true,
      presenceTtlMs: 30_000,
      presenceRefreshMs: 10_000,
      uploadMaxBytes: 25 * 1024 * 1024,
      uploadQuotaBytes: 2 * 1024 * 1024 * 1024,
      uploadIdleMs: 30_000,
      attachmentStore: "postgres",
      s3: undefined,
    });
  });

  it("runs a worker per core but one (left to PostgreSQL), at least 1 and at most 8, unless WEB_CONCURRENCY says how many", () => {
    expect([1, 2, 3, 4, 8, 9, 16, 64].map(defaultWorkers)).toEqual([1, 1, 2, 3, 7, 8, 8, 8]);
    expect(parseEnv({ WEB_CONCURRENCY: "4" }).workers).toBe(4);
    expect(() => parseEnv({ WEB_CONCURRENCY: "0" })).toThrow(/WEB_CONCURRENCY: expected a whole number from 1 to 64, got "0"/);
    expect(() => parseEnv({ WEB_CONCURRENCY: "two" })).toThrow(/WEB_CONCURRENCY: expected a whole number/);
  });

  it("takes an S3 attachment store with its bucket, and says what is missing at start", () => {
    expect(parseEnv({ ATTACHMENT_STORE: "s3", S3_ENDPOINT: "http://127.0.0.1:9000", S3_BUCKET: "parley-files", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "key" })).toMatchObject({
      attachmentStore: "s3",
      s3: { endpoint: "http://127.0.0.1:9000", bucket: "parley-files", region: "us-east-1", credentials: { accessKeyId: "id", secretAccessKey: "key" } },
    });
    // AWS itself: a region, and the SDK's own credentials (instance role, AWS_* variables)
    expect(parseEnv({ ATTACHMENT_STORE: "s3", S3_BUCKET: "parley-files", S3_REGION: "eu-west-3" }).s3).toEqual({ endpoint: undefined, bucket: "parley-files", region: "eu-west-3", credentials: undefined });
    expect(() => parseEnv({ ATTACHMENT_STORE: "s3" })).toThrow(/S3_BUCKET: required when ATTACHMENT_STORE is "s3"\n  S3_REGION: required/);
    expect(() => parseEnv({ ATTACHMENT_STORE: "s3", S3_BUCKET: "Parley_Files", S3_ENDPOINT: "x" })).toThrow(/S3_ENDPOINT: expected a http:\/\/ or https:\/\/ URL[^]*S3_BUCKET: expected a bucket name/);
    expect(() => parseEnv({ ATTACHMENT_STORE: "minio" })).toThrow(/ATTACHMENT_STORE: expected "postgres" or "s3", got "minio"/);
    let message = "";
    try {
      parseEnv({ ATTACHMENT_STORE: "s3", S3_BUCKET: "parley", S3_REGION: "x", S3_SECRET_ACCESS_KEY: "hunter2" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together/);
    expect(message).not.toContain("hunter2");
    // S3 settings without ATTACHMENT_STORE=s3 change nothing
    expect(parseEnv({ S3_BUCKET: "parley" })).toMatchObject({ attachmentStore: "postgres", s3: undefined });
  });

  it("coerces numbers and switches, and counts an empty variable as unset", () => {
    const e = parseEnv({ NODE_ENV: "production", PORT: "8080", DATABASE_POOL_SIZE: "25", TRUST_PROXY: "2", RATE_LIMITS: "off", PRESENCE_TTL_MS: "3000", PRESENCE_REFRESH_MS: "1000", HOST: "" });
    expect(e).toMatchObject({ dev: false, port: 8080, databasePoolSize: 25, trustProxy: 2, rateLimitsOn: false, presenceTtlMs: 3000, presenceRefreshMs: 1000, host: "0.0.0.0" });
    expect(parseEnv({ PORT: "0", RATE_LIMITS: "on" })).toMatchObject({ port: 0, rateLimitsOn: true });
    expect(parseEnv({ UPLOAD_MAX_BYTES: "1048576", UPLOAD_QUOTA_BYTES: "5000000" })).toMatchObject({ uploadMaxBytes: 1048576, uploadQuotaBytes: 5000000 });
    expect(() => parseEnv({ UPLOAD_MAX_BYTES: "25MiB" })).toThrow(/UPLOAD_MAX_BYTES/);
  });

  it("takes NEXTAUTH_SECRET before AUTH_SECRET, and Secure cookies from an https public URL", () => {
    expect(parseEnv({ AUTH_SECRET: "a" }).authSecret).toBe("a");
    expect(parseEnv({ AUTH_SECRET: "a", NEXTAUTH_SECRET: "n" }).authSecret).toBe("n");
    expect(parseEnv({ NEXTAUTH_URL: "https://chat.example" })).toMatchObject({ publicUrl: "https://chat.example", secureCookies: true });
    expect(parseEnv({ NEXTAUTH_URL: "http://chat.example" })).toMatchObject({ publicUrl: "http://chat.example", secureCookies: false });
  });

  it("refuses a bad value with a message naming the variable and what was expected", () => {
    expect(() => parseEnv({ PORT: "abc" })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: "abc" })).toThrow(/PORT: expected a whole number from 0 to 65535, got "abc"/);
    expect(() => parseEnv({ TRUST_PROXY: "-1" })).toThrow(/TRUST_PROXY: expected a whole number/);
    for (const [name, value] of [["PORT", "70000"], ["PORT", "1e3"], ["DATABASE_POOL_SIZE", "0"], ["RATE_LIMITS", "OFF"], ["NEXTAUTH_URL", "chat.example"], ["REDIS_URL", "http://x"], ["PRESENCE_TTL_MS", "3.5"]]) {
      expect(() => parseEnv({ [name]: value })).toThrow(new RegExp(`^Invalid environment[^]*\\n  ${name}: `));
    }
  });

  it("takes every DATABASE_URL postgres.js takes, a list of hosts (tried in turn) included", () => {
    const url = "postgres://parley:secret@db1:5432,db2:5433/parley";
    // what the pool (db/index.ts) and the migrations are given: postgres.js reads both hosts
    const sql = postgres(url);
    expect([sql.options.host, sql.options.port]).toEqual([["db1", "db2"], [5432, 5433]]);
    expect(parseEnv({ DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(parseEnv({ DATABASE_URL: "postgresql://db1,db2/parley" }).databaseUrl).toBe("postgresql://db1,db2/parley");
    expect(() => parseEnv({ DATABASE_URL: "mysql://db1,db2/parley" })).toThrow(/DATABASE_URL: expected a postgres:/);
  });

  it("names every bad variable at once, without repeating a value that may hold a password", () => {
    let message = "";
    try {
      parseEnv({ PORT: "abc", DATABASE_URL: "mysql://root:hunter2@db/x" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).not.toContain("hunter2");
  });
});

describe("env and loadEnv", () => {
  const prior = process.env.PORT;
  afterAll(() => {
    if (prior === undefined) delete process.env.PORT;
    else process.env.PORT = prior;
    loadEnv();
  });

  it("parse process.env once; a change counts once loadEnv() settles it", () => {
    process.env.PORT = "4001";
    loadEnv();
    expect(env().port).toBe(4001);
    process.env.PORT = "4002";
    expect(env().port).toBe(4001);
    expect(loadEnv().port).toBe(4002);
    expect(env().port).toBe(4002);
  });

  it("keep the settled value when loadEnv() meets a bad one", () => {
    process.env.PORT = "4003";
    loadEnv();
    process.env.PORT = "abc";
    expect(() => loadEnv()).toThrow(EnvError);
    expect(env().port).toBe(4003);
  });
});
