/**
 * Seeds the benchmark's workload straight into a fresh database (fast, no HTTP): 1,000 users sharing
 * one argon2id hash, 100 groups of 10 (each user in exactly one), 500 direct pairs (user i with user
 * i + 500), and a session row and minted session cookie per user. The bench is the one place outside
 * db/ and lib/ that writes SQL: it prepares a throwaway database, it is not part of the app.
 */
import argon2 from "argon2";
import { encode } from "next-auth/jwt";
import postgres from "postgres";
import { sessionCookie } from "@/lib/sessions/cookies";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/sessions/store";
import type { BenchUser } from "./protocol";

export const USERS = 1000;
export const GROUP_SIZE = 10;

export async function seedWorkload(databaseUrl: string, secret: string): Promise<BenchUser[]> {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  try {
    const hash = await argon2.hash("bench password", { type: argon2.argon2id });
    const names = Array.from({ length: USERS }, (_, i) => `bench_${String(i).padStart(4, "0")}`);
    const userRows = names.map((n, i) => ({ username: n, email: `${n}@bench.test`, display_name: `Bench ${i}`, password_hash: hash }));
    const inserted = await sql`insert into users ${sql(userRows)} returning id, username`;
    const byName = new Map(inserted.map((r) => [r.username as string, r.id as string]));
    const ids = names.map((n) => byName.get(n)!);

    const groupRows = Array.from({ length: USERS / GROUP_SIZE }, (_, g) => ({ kind: "group", title: `Bench group ${g}`, created_by: ids[g * GROUP_SIZE] }));
    const groups = await sql`insert into conversations ${sql(groupRows)} returning id, title`;
    const groupByTitle = new Map(groups.map((r) => [r.title as string, r.id as string]));
    const groupOf = (i: number) => groupByTitle.get(`Bench group ${Math.floor(i / GROUP_SIZE)}`)!;

    const half = USERS / 2;
    const directRows = Array.from({ length: half }, (_, i) => ({ kind: "direct", direct_key: [ids[i], ids[i + half]].sort().join(":"), created_by: ids[i] }));
    const directs = await sql`insert into conversations ${sql(directRows)} returning id, direct_key`;

    const memberRows = [
      ...ids.map((id, i) => ({ conversation_id: groupOf(i), user_id: id, role: i % GROUP_SIZE === 0 ? "owner" : "member" })),
      ...directs.flatMap((d) => (d.direct_key as string).split(":").map((id) => ({ conversation_id: d.id as string, user_id: id, role: "member" }))),
    ];
    await sql`insert into members ${sql(memberRows)}`;

    const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
    const sessions = await sql`insert into sessions ${sql(ids.map((id) => ({ user_id: id, expires_at: expires, user_agent: "parley-bench" })))} returning id, user_id`;
    const sessionOf = new Map(sessions.map((s) => [s.user_id as string, s.id as string]));

    return Promise.all(
      ids.map(async (id, i) => {
        const token = await encode({ token: { sub: id, name: `Bench ${i}`, sid: sessionOf.get(id)! }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
        return { id, groupId: groupOf(i), cookie: `${sessionCookie(false).name}=${token}` };
      }),
    );
  } finally {
    await sql.end();
  }
}
