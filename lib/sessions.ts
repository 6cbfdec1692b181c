/** Server-side sessions: the JWT only carries a session id; this row decides whether it is live. */
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { getDb } from "@/db";
import { sessions, users, type Session, type User } from "@/db/schema";

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const TOUCH_EVERY_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LiveSession {
  session: Session;
  user: User;
}

export async function createSession(userId: string, userAgent: string | null): Promise<Session> {
  const [row] = await getDb()
    .insert(sessions)
    .values({
      userId,
      userAgent: userAgent?.slice(0, 512) ?? null,
      expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000),
    })
    .returning();
  return row;
}

/** The session and its user when the session exists, is not revoked and has not expired. */
export async function getLiveSession(sessionId: unknown): Promise<LiveSession | null> {
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) return null;
  const db = getDb();
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .limit(1);
  if (!row) return null;
  if (Date.now() - row.session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, sessionId));
  }
  return row;
}

export async function revokeSession(sessionId: string): Promise<void> {
  if (!UUID.test(sessionId)) return;
  await getDb()
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Revokes every live session of a user but `exceptId`; returns the revoked ids. */
export async function revokeUserSessions(userId: string, exceptId?: string): Promise<string[]> {
  const rows = await getDb()
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), exceptId ? ne(sessions.id, exceptId) : undefined))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}
