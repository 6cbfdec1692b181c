/**
 * Seeds the benchmark's workload straight into a fresh database (fast, no HTTP): `users` users (1,000
 * by default) sharing one argon2id hash, groups of 10 (each user in exactly one), direct pairs (user i
 * with user i + users/2), and a session row and minted session cookie per user. The bench is the one
 * place outside db/ and lib/ that writes SQL: it prepares a throwaway database, it is not part of the app.
 */
import argon2 from "argon2";
import { encode } from "next-auth/jwt";
import postgres from "postgres";
import { sessionCookie } from "@/lib/sessions/cookies";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/sessions/store";
import type { BenchUser } from "./protocol";

export const USERS = 1000;
export const GROUP_SIZE = 10;
/** Rows per insert: postgres.js binds every value as a parameter, and a statement takes at most 65,535. */
const ROWS_PER_INSERT = 2000;

export interface SeedOptions {
  /** how many users (a multiple of 2 × GROUP_SIZE); default USERS */
  users?: number;
  /** usernames are `<prefix><n>`, so two workloads can share a database; default "bench_" */
  prefix?: string;
}

/** Inserts `rows` into `table` in chunks of ROWS_PER_INSERT; the rows `returning` asked for, in order. */
async function insertAll(sql: postgres.Sql, table: string, rows: Record<string, unknown>[], returning: string[] = []): Promise<postgres.Row[]> {
  const out: postgres.Row[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    out.push(...(returning.length ? await sql`insert into ${sql(table)} ${sql(chunk)} returning ${sql(returning)}` : await sql`insert into ${sql(table)} ${sql(chunk)}`));
  }
  return out;
}

/**
 * Seeds the workload (see the file comment) and returns one entry per user, in order: id, group id,
 * direct conversation id and the `Cookie` header value that signs in as that user (session `secret`).
 */
export async function seedWorkload(databaseUrl: string, secret: string, opts: SeedOptions = {}): Promise<BenchUser[]> {
  const count = opts.users ?? USERS;
  const prefix = opts.prefix ?? "bench_";
  if (count <= 0 || count % (2 * GROUP_SIZE) !== 0) throw new Error(`seedWorkload: ${count} users is not a positive multiple of ${2 * GROUP_SIZE}`);
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  try {
    const hash = await argon2.hash("bench password", { type: argon2.argon2id });
    const digits = Math.max(4, String(count - 1).length);
    const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(digits, "0")}`);
    const userRows = names.map((n, i) => ({ username: n, email: `${n}@bench.test`, display_name: `Bench ${i}`, password_hash: hash }));
    const inserted = await insertAll(sql, "users", userRows, ["id", "username"]);
    const byName = new Map(inserted.map((r) => [r.username as string, r.id as string]));
    const ids = names.map((n) => byName.get(n)!);

    const groupRows = Array.from({ length: count / GROUP_SIZE }, (_, g) => ({ kind: "group", title: `${prefix}group ${g}`, created_by: ids[g * GROUP_SIZE] }));
    const groups = await insertAll(sql, "conversations", groupRows, ["id", "title"]);
    const groupByTitle = new Map(groups.map((r) => [r.title as string, r.id as string]));
    const groupIds = groupRows.map((g) => groupByTitle.get(g.title)!);
    const groupOf = (i: number) => groupIds[Math.floor(i / GROUP_SIZE)];

    const half = count / 2;
    const directRows = Array.from({ length: half }, (_, i) => ({ kind: "direct", direct_key: [ids[i], ids[i + half]].sort().join(":"), created_by: ids[i] }));
    const directs = await insertAll(sql, "conversations", directRows, ["id", "direct_key"]);
    const directByKey = new Map(directs.map((r) => [r.direct_key as string, r.id as string]));
    const directIds = directRows.map((d) => directByKey.get(d.direct_key)!);
    const directOf = (i: number) => directIds[i % half];

    const memberRows = [
      ...ids.map((id, i) => ({ conversation_id: groupOf(i), user_id: id, role: i % GROUP_SIZE === 0 ? "owner" : "member" })),
      ...ids.map((id, i) => ({ conversation_id: directOf(i), user_id: id, role: "member" })),
    ];
    await insertAll(sql, "members", memberRows);

    const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
    const sessions = await insertAll(sql, "sessions", ids.map((id) => ({ user_id: id, expires_at: expires, user_agent: "parley-bench" })), ["id", "user_id"]);
    const sessionOf = new Map(sessions.map((s) => [s.user_id as string, s.id as string]));

    return Promise.all(
      ids.map(async (id, i) => {
        const token = await encode({ token: { sub: id, name: `Bench ${i}`, sid: sessionOf.get(id)! }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
        return { id, groupId: groupOf(i), directId: directOf(i), cookie: `${sessionCookie(false).name}=${token}` };
      }),
    );
  } finally {
    await sql.end();
  }
}
