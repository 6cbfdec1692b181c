import "server-only";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";
import { env } from "@/lib/platform/env";
import { setSingleton, singleton } from "@/lib/platform/singleton";

export type Database = PostgresJsDatabase<typeof schema>;

interface DbHolder {
  sql: postgres.Sql;
  db: Database;
  url: string;
}

// server.ts (run by tsx) and Next's bundles load this module separately: one pool per process.
const pool = () => singleton<DbHolder | undefined>("db", () => undefined);

function connect(url: string): DbHolder {
  const sql = postgres(url, {
    max: env().databasePoolSize,
    onnotice: () => {},
    // While the database is down, fail fast (sends answer `unavailable` and are retried) instead of
    // hanging for the default 30 s.
    connect_timeout: 5,
    // Timestamps come back as UTC text ("…+00"), which lib/messages/types.ts turns into ISO strings without a
    // Date; no statement depends on the session's zone (dates are compared as instants).
    connection: { TimeZone: "UTC" },
    // int8 (OID 20) as a JS number: seq/rev stay far below 2^53.
    types: { int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
  });
  return { sql, db: drizzle(sql, { schema }), url };
}

function current(): DbHolder {
  const url = env().databaseUrl;
  if (!url) throw new Error("DATABASE_URL is not set: start Parley through server.ts, which provides one");
  let open = pool();
  if (!open || open.url !== url) setSingleton("db", (open = connect(url)));
  return open;
}

/** The Drizzle client. */
export function getDb(): Database {
  return current().db;
}

/** The raw postgres.js client, for the few statements Drizzle cannot express. */
export function getSql(): postgres.Sql {
  return current().sql;
}

/** Closes the pool (waiting up to 5 s for running queries); the next getDb() opens a new one. */
export async function closeDb(): Promise<void> {
  const open = pool();
  setSingleton("db", undefined);
  await open?.sql.end({ timeout: 5 });
}

export { schema };
