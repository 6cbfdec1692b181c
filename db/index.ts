import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";
import { env } from "@/lib/platform/env";

export type Database = PostgresJsDatabase<typeof schema>;

interface DbHolder {
  sql: postgres.Sql;
  db: Database;
  url: string;
}

// server.ts (run by tsx) and Next's bundles load this module separately: one pool on globalThis.
const holder = globalThis as unknown as { __parleyDb?: DbHolder };

function connect(url: string): DbHolder {
  const sql = postgres(url, {
    max: env().databasePoolSize,
    onnotice: () => {},
    // While the database is down, fail fast (sends answer `unavailable` and are retried) instead of
    // hanging for the default 30 s.
    connect_timeout: 5,
    // int8 (OID 20) as a JS number: seq/rev stay far below 2^53.
    types: { int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
  });
  return { sql, db: drizzle(sql, { schema }), url };
}

function current(): DbHolder {
  const url = env().databaseUrl;
  if (!url) throw new Error("DATABASE_URL is not set: start Parley through server.ts, which provides one");
  if (!holder.__parleyDb || holder.__parleyDb.url !== url) holder.__parleyDb = connect(url);
  return holder.__parleyDb;
}

/** The Drizzle client. */
export function getDb(): Database {
  return current().db;
}

/** The raw postgres.js client, for the few statements Drizzle cannot express. */
export function getSql(): postgres.Sql {
  return current().sql;
}

export async function closeDb(): Promise<void> {
  const h = holder.__parleyDb;
  holder.__parleyDb = undefined;
  await h?.sql.end({ timeout: 5 });
}

export { schema };
