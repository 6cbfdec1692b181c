/**
 * A crowd of signed-in users seeded straight into the database (no HTTP, no argon2: they never sign
 * in with a password), each with a live session and its session cookie minted with `secret`, in
 * groups of `groupSize`. For tests of many sockets at once (a reconnect storm).
 */
import { randomBytes } from "node:crypto";
import { encode } from "next-auth/jwt";
import type postgres from "postgres";
import { sessionCookie } from "@/lib/sessions/cookies";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/sessions/store";

export interface CrowdMember {
  id: string;
  groupId: string;
  cookie: string;
}

/** Seeds `users` users (a multiple of `groupSize`) in groups; returns them in order. */
export async function seedCrowd(sql: postgres.Sql, { users, groupSize, secret }: { users: number; groupSize: number; secret: string }): Promise<CrowdMember[]> {
  const tag = randomBytes(4).toString("hex");
  const names = Array.from({ length: users }, (_, i) => `crowd_${tag}_${i}`);
  const inserted = await sql`insert into users ${sql(names.map((n) => ({ username: n, email: `${n}@crowd.test`, display_name: n, password_hash: "not a hash: no password sign-in" })))} returning id, username`;
  const idOf = new Map(inserted.map((r) => [r.username as string, r.id as string]));
  const ids = names.map((n) => idOf.get(n)!);
  const titles = Array.from({ length: users / groupSize }, (_, g) => `crowd ${tag} ${g}`);
  const groups = await sql`insert into conversations ${sql(titles.map((title, g) => ({ kind: "group", title, created_by: ids[g * groupSize] })))} returning id, title`;
  const groupOf = new Map(groups.map((r) => [r.title as string, r.id as string]));
  const groupIds = titles.map((t) => groupOf.get(t)!);
  await sql`insert into members ${sql(ids.map((id, i) => ({ conversation_id: groupIds[Math.floor(i / groupSize)], user_id: id, role: i % groupSize === 0 ? "owner" : "member" })))}`;
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  const sessions = await sql`insert into sessions ${sql(ids.map((id) => ({ user_id: id, expires_at: expires, user_agent: "crowd" })))} returning id, user_id`;
  const sessionOf = new Map(sessions.map((s) => [s.user_id as string, s.id as string]));
  return Promise.all(
    ids.map(async (id, i) => {
      const token = await encode({ token: { sub: id, name: names[i], sid: sessionOf.get(id)! }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
      return { id, groupId: groupIds[Math.floor(i / groupSize)], cookie: `${sessionCookie(false).name}=${token}` };
    }),
  );
}
