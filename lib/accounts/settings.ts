/** Account settings that need the password: change it, delete the account. And the data export. */
import { and, eq, gt, inArray, isNull, notExists, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { conversations, members, messages, sessions, users } from "@/db/schema";
import { getUserById } from "./register";
import { toOwnProfile } from "../people/types";
import { AppError, signedOut } from "../platform/errors";
import { consume } from "../platform/rate-limit";
import { hashPassword, verifyPassword } from "./passwords";
import { announceConversation } from "../realtime/delivery";
import { disconnectSessions } from "../realtime/registry";
import { revokeUserSessions, type Transaction } from "../sessions/store";

const wrongPassword = (field: string) => new AppError("forbidden", "Wrong password", { [field]: "Wrong password" });

/** The user, with the credential version their password was verified against. */
async function requirePassword(userId: string, password: string, field: string) {
  const user = await getUserById(userId);
  if (!user) throw signedOut();
  if (!(await verifyPassword(user.passwordHash, password))) throw wrongPassword(field);
  return user;
}

/**
 * Inside a write that already holds the user row's lock: the acting session must still be live, and
 * stays so until commit (locked too, so a sign-out of it either lands first and refuses this write,
 * or waits). Locks are always taken user row first, then sessions, as everywhere else: no deadlock.
 */
async function requireLiveSession(tx: Transaction, userId: string, sessionId: string): Promise<void> {
  const [acting] = await tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .for("update");
  if (!acting) throw signedOut();
}

/**
 * Sets a new password and signs out every other session of the user (OWASP Session Management:
 * renew on credential change). Check-then-act is closed: the write happens only if the credential
 * version is still the one `currentPassword` was verified against and `currentSessionId` is still
 * live, in one transaction, so of two concurrent changes (or a change racing a deletion) one wins
 * and the other is refused with the wrong-password error (403 `forbidden`, field currentPassword).
 * Sign-ins in flight cannot outlive it (see createSession).
 */
export async function changePassword(userId: string, currentSessionId: string, input: { currentPassword: string; newPassword: string }): Promise<void> {
  await consume("password", userId); // rate_limited past LIMITS.password (shared with deleteAccount): each call verifies an argon2 hash
  const user = await requirePassword(userId, input.currentPassword, "currentPassword");
  if (input.newPassword.toLowerCase() === user.username) {
    throw new AppError("bad_request", "Some fields are invalid", { newPassword: "Password must not be your username" });
  }
  const passwordHash = await hashPassword(input.newPassword);
  const revoked = await getDb().transaction(async (tx) => {
    const changed = await tx
      .update(users)
      .set({ passwordHash, credentialVersion: sql`${users.credentialVersion} + 1`, updatedAt: new Date() })
      .where(and(eq(users.id, userId), eq(users.credentialVersion, user.credentialVersion)))
      .returning({ id: users.id });
    if (!changed.length) {
      // gone: the account was deleted meanwhile, its sessions with it — signed out, not a wrong password
      const [still] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
      if (!still) throw signedOut();
      throw wrongPassword("currentPassword");
    }
    await requireLiveSession(tx, userId, currentSessionId);
    // A new statement, so a new snapshot: it sees every session committed before the update above
    // got the row, including sign-ins that held it `for share` (createSession).
    return revokeUserSessions(userId, currentSessionId, tx);
  });
  disconnectSessions(revoked, "password_changed");
}

/**
 * Deletes the account: profile, credentials, sessions and memberships go (cascades); messages stay
 * with sender_id NULL, shown as "Deleted user". A group the user owned passes to the next in line, as
 * on leave (lib/conversations/service.ts removeMember); a conversation left with no member is deleted. The
 * account's conversations are locked first (lib/platform/locks.ts), so concurrent leaves, adds and sends see the
 * account either whole or gone. Username and email are free for reuse at once.
 * Refused with the wrong-password error (403 `forbidden`, field password) when the password changed
 * after it was verified, and with 401 when `actingSessionId` is no longer live or the account is already
 * gone (two deletions at once: one 204, the other 401, never the password error). The user row is locked
 * at the verified version first, so no sign-in can add a session between the list of sessions to
 * disconnect and the delete.
 */
export async function deleteAccount(userId: string, actingSessionId: string, password: string): Promise<void> {
  await consume("password", userId); // rate_limited past LIMITS.password (shared with changePassword): each call verifies an argon2 hash
  const user = await requirePassword(userId, password, "password");
  const { memberships, live } = await getDb().transaction(async (tx) => {
    const [locked] = await tx.select({ credentialVersion: users.credentialVersion }).from(users).where(eq(users.id, userId)).for("update");
    // gone: deleted meanwhile (by this account's other request), its sessions with it
    if (!locked) throw signedOut();
    if (locked.credentialVersion !== user.credentialVersion) throw wrongPassword("password");
    await requireLiveSession(tx, userId, actingSessionId);
    // The lock order of lib/platform/locks.ts: this user's row (above), then every conversation of the account,
    // in id order, so no leave, removal, add or send batch changes them until this commits.
    await tx.execute(sql`
      select id from conversations
      where id in (select conversation_id from members where user_id = ${userId}) or created_by = ${userId}
      order by id for no key update`);
    const memberships = await tx.select({ id: members.conversationId }).from(members).where(eq(members.userId, userId));
    const live = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    await tx.execute(sql`
      update members m set role = 'owner'
      from (
        select distinct on (heir.conversation_id) heir.conversation_id, heir.user_id
        from members heir
        join members owner on owner.conversation_id = heir.conversation_id
          and owner.user_id = ${userId} and owner.role = 'owner'
        where heir.user_id <> ${userId}
        order by heir.conversation_id, (heir.role = 'admin') desc, heir.joined_at, heir.user_id
      ) chosen
      where m.conversation_id = chosen.conversation_id and m.user_id = chosen.user_id`);
    await tx.delete(users).where(eq(users.id, userId));
    // A conversation the account was the last member of goes, with its history (as when the last member leaves).
    const ids = memberships.map((m) => m.id);
    const emptied = ids.length
      ? await tx
          .delete(conversations)
          .where(and(inArray(conversations.id, ids), notExists(tx.select({ one: sql`1` }).from(members).where(eq(members.conversationId, conversations.id)))))
          .returning({ id: conversations.id })
      : [];
    const gone = new Set(emptied.map((c) => c.id));
    return { memberships: memberships.filter((m) => !gone.has(m.id)), live };
  });
  disconnectSessions(
    live.map((s) => s.id),
    "deleted",
  );
  // The remaining members see the member list change.
  for (const { id } of memberships) {
    const rest = await getDb().select({ userId: members.userId }).from(members).where(eq(members.conversationId, id));
    await announceConversation(
      id,
      rest.map((r) => r.userId),
      "conversation:updated",
    );
  }
}

/** Everything Parley holds about the user, as one JSON document. */
export async function exportUserData(userId: string) {
  await consume("export", userId); // rate_limited past LIMITS.export
  const db = getDb();
  const user = await getUserById(userId);
  if (!user) throw signedOut();
  const [sessionRows, membershipRows, messageRows] = await Promise.all([
    db
      .select({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, revokedAt: sessions.revokedAt, userAgent: sessions.userAgent })
      .from(sessions)
      .where(eq(sessions.userId, userId))
      .orderBy(sessions.createdAt),
    db
      .select({ id: conversations.id, kind: conversations.kind, title: conversations.title, createdAt: conversations.createdAt, role: members.role, joinedAt: members.joinedAt })
      .from(members)
      .innerJoin(conversations, eq(conversations.id, members.conversationId))
      .where(eq(members.userId, userId))
      .orderBy(conversations.createdAt),
    db
      .select({ id: messages.id, conversationId: messages.conversationId, seq: messages.seq, body: messages.body, createdAt: messages.createdAt, editedAt: messages.editedAt, deletedAt: messages.deletedAt })
      .from(messages)
      .where(eq(messages.senderId, userId))
      .orderBy(messages.conversationId, messages.seq),
  ]);
  return {
    format: "parley-export/1",
    exportedAt: new Date().toISOString(),
    profile: toOwnProfile(user),
    sessions: sessionRows,
    conversations: membershipRows,
    messages: messageRows.map((m) => (m.deletedAt ? { ...m, body: "" } : m)),
  };
}
