/** Server-side sessions: the JWT only carries a session id; this row decides whether it is live. */
import "server-only";
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { getDb, getSql } from "@/db";
import { sessions, users, type Session, type User } from "@/db/schema";
import { batchedLookup } from "../platform/batch";
import { signedOut } from "../platform/errors";
import type { Tx } from "../platform/events";
import { singleton } from "../platform/singleton";
import { truncate } from "../platform/text-length";
import { UUID_PATTERN } from "../platform/validation";

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const TOUCH_EVERY_MS = 60_000;


export interface LiveSession {
  session: Session;
  user: User;
}

/** A stored user agent is at most this many code points (real ones are 100–200), cut on a grapheme boundary. */
export const USER_AGENT_MAX = 256;

/**
 * The User-Agent header as it is stored and shown (sessions list, export). Node hands header
 * values over as latin1, one character per byte, so "Zoë 😀" arrives as "ZoÃ« ð\x9F\x98\x80":
 * when those bytes are valid UTF-8 (RFC 9110 §5.5 allows only opaque octets, UTF-8 is what
 * clients send) they are decoded, otherwise the latin1 reading stays. Tabs become spaces, other
 * control characters (C0, DEL, C1) are dropped, the result is cut to {@link USER_AGENT_MAX} code
 * points with "…", and blank becomes null.
 */
export function cleanUserAgent(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let s = raw;
  if (!/[^\x00-\xff]/.test(s) && /[\x80-\xff]/.test(s)) {
    try {
      s = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(s, "latin1"));
    } catch {
      /* not UTF-8: keep the latin1 reading */
    }
  }
  s = s.replace(/\t/g, " ").replace(/[\p{Cc}\ud800-\udfff]/gu, "").trim();
  return s ? truncate(s, USER_AGENT_MAX) : null;
}

/**
 * Creates a session for `userId` only if the account still has `credentialVersion`, the credential
 * version its password was verified against; returns null otherwise (the password changed or the
 * account was deleted meanwhile), which callers answer exactly like a wrong password. OWASP Session
 * Management: a credential change must end every session made with the old credential, including
 * sign-ins in flight.
 *
 * Why one statement with `for share` is enough, under READ COMMITTED:
 * - `for share` conflicts with the row lock that `update users` (password change) and `delete from
 *   users` (account deletion) take, while the foreign key's own `for key share` does not.
 * - If this statement locks the user row first, the change's `update users` waits until this insert
 *   commits; its next statement (`update sessions set revoked_at …`) takes a new snapshot, sees this
 *   session and revokes it (deletion's cascade removes it likewise).
 * - If the change locks the row first, this statement waits for it to commit, then re-checks the
 *   updated row (or finds it deleted): the version no longer matches, nothing is inserted.
 * Either way no live session verified against the old hash outlives the change.
 * `userAgent` is the raw header, stored through {@link cleanUserAgent}.
 */
export async function createSession({ userId, userAgent, credentialVersion }: { userId: string; userAgent: string | null; credentialVersion: number }): Promise<Session | null> {
  const [row] = await getDb()
    .insert(sessions)
    .select(
      getDb()
        .select({
          id: sql<string>`gen_random_uuid()`.as("id"),
          userId: users.id,
          createdAt: sql<Date>`now()`.as("created_at"),
          lastSeenAt: sql<Date>`now()`.as("last_seen_at"),
          expiresAt: sql<Date>`now() + make_interval(secs => ${SESSION_MAX_AGE_SECONDS})`.as("expires_at"),
          revokedAt: sql<Date | null>`null::timestamptz`.as("revoked_at"),
          userAgent: sql<string | null>`${cleanUserAgent(userAgent)}::text`.as("user_agent"),
        })
        .from(users)
        .where(and(eq(users.id, userId), eq(users.credentialVersion, credentialVersion)))
        .for("share"),
    )
    .returning();
  return row ?? null;
}

/**
 * The live ones of many sessions with their users, in one query; those last seen over TOUCH_EVERY_MS
 * ago are marked seen now, in one statement, before the answer. Every HTTP request and socket
 * handshake comes here, so the query is written out rather than built by Drizzle: building it and
 * mapping its nested selection took about 0.24 ms of a history page's 1.7 ms of CPU (docs/growth.md).
 * `liveSessionRow` makes the same Session and User Drizzle did.
 */
async function loadLiveSessions(ids: string[]): Promise<Map<string, LiveSession>> {
  const sql = getSql();
  const rows = await sql`
    select s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, s.user_agent,
      u.username, u.email, u.display_name, u.bio, u.avatar, u.password_hash, u.credential_version, u.created_at, u.updated_at
    from sessions s join users u on u.id = s.user_id
    where s.id = any(${ids}::uuid[]) and s.revoked_at is null and s.expires_at > ${new Date().toISOString()}::timestamptz`.values();
  const live = rows.map(liveSessionRow);
  const stale = live.filter((r) => Date.now() - r.session.lastSeenAt.getTime() > TOUCH_EVERY_MS).map((r) => r.session.id);
  if (stale.length) await sql`update sessions set last_seen_at = now() where id = any(${stale}::uuid[])`;
  return new Map(live.map((r) => [r.session.id, r]));
}

/** A timestamp as the pool hands it over (UTC text, db/index.ts), or null. */
const instant = (v: unknown): Date | null => (v == null ? null : new Date(v as string));

/** One row of loadLiveSessions' query, by position, as the session and its user (typed whole: a column added to either table fails to compile here). */
function liveSessionRow(v: unknown[]): LiveSession {
  const [id, userId, createdAt, lastSeenAt, expiresAt, revokedAt, userAgent, username, email, displayName, bio, avatar, passwordHash, credentialVersion, userCreatedAt, userUpdatedAt] = v;
  const session: Session = {
    id: id as string,
    userId: userId as string,
    createdAt: instant(createdAt)!,
    lastSeenAt: instant(lastSeenAt)!,
    expiresAt: instant(expiresAt)!,
    revokedAt: instant(revokedAt),
    userAgent: userAgent as string | null,
  };
  const user: User = {
    id: userId as string,
    username: username as string,
    email: email as string,
    displayName: displayName as string,
    bio: bio as string,
    avatar: avatar as string | null,
    passwordHash: passwordHash as string,
    credentialVersion: credentialVersion as number,
    createdAt: instant(userCreatedAt)!,
    updatedAt: instant(userUpdatedAt)!,
  };
  return { session, user };
}

// Every request, page and socket handshake reads its session: after a restart a reconnecting crowd
// does at once, so concurrent reads share one query (lib/platform/batch.ts).
const liveSessionLookup = () => singleton("sessions.liveLookup", () => batchedLookup(loadLiveSessions));

/**
 * The session and its user when the session exists, is not revoked and has not expired, read when
 * the call is made or later (never an answer older than the call: a sign-out that committed before
 * it is seen). Concurrent calls are answered by one query.
 */
export async function getLiveSession(sessionId: unknown): Promise<LiveSession | null> {
  if (typeof sessionId !== "string" || !UUID_PATTERN.test(sessionId)) return null;
  return (await liveSessionLookup()(sessionId)) ?? null;
}

export async function revokeSession(sessionId: string): Promise<void> {
  if (!UUID_PATTERN.test(sessionId)) return;
  await getDb()
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Revokes every live session of a user but `exceptId`, inside `tx`; returns the revoked ids. */
export async function revokeUserSessions(tx: Tx, { userId, exceptId }: { userId: string; exceptId?: string }): Promise<string[]> {
  const rows = await tx`
    update sessions set revoked_at = now()
    where user_id = ${userId} and revoked_at is null ${exceptId ? tx`and id <> ${exceptId}` : tx``}
    returning id`;
  return rows.map((r) => r.id as string);
}

/**
 * Inside `tx`: locks the acting session and throws `unauthorized` (signed out) unless it is still
 * live and `userId`'s. Locked, so a sign-out of it either lands first and refuses the caller's write,
 * or waits for it. Take the user row's lock first (lib/platform/locks.ts): no deadlock.
 */
export async function lockLiveSession(tx: Tx, { userId, sessionId }: { userId: string; sessionId: string }): Promise<void> {
  const [acting] = await tx`
    select id from sessions
    where id = ${sessionId} and user_id = ${userId} and revoked_at is null and expires_at > now()
    for update`;
  if (!acting) throw signedOut();
}
