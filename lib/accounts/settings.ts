/** Account settings that need the password: change it, delete the account. */
import "server-only";
import { recordNotes, type Note } from "../conversations/notes";
import { memberIdsIn, promoteHeirs } from "../conversations/store";
import "../conversations/events";
import { getUserById } from "../people/store";
import { AppError, signedOut } from "../platform/errors";
import { transaction } from "@/db/transaction";
import { consume } from "../platform/rate-limit";
import { withdrawPins } from "../messages/pins";
import { withdrawReactions } from "../messages/reactions";
import { endUserSessions } from "../sessions/end";
import "../sessions/events";
import { lockLiveSession } from "../sessions/store";
import { hashPassword, verifyPassword } from "./passwords";

const wrongPassword = (field: string) => new AppError("forbidden", "Wrong password", { [field]: "Wrong password" });

/** The user, with the credential version their password was verified against. */
async function requirePassword(userId: string, password: string, field: string) {
  const user = await getUserById(userId);
  if (!user) throw signedOut();
  if (!(await verifyPassword(user.passwordHash, password))) throw wrongPassword(field);
  return user;
}

/**
 * Sets a new password and signs out every other session of the user (OWASP Session Management:
 * renew on credential change). Check-then-act is closed: the write happens only if the credential
 * version is still the one `currentPassword` was verified against and `currentSessionId` is still
 * live, in one transaction, so of two concurrent changes (or a change racing a deletion) one wins
 * and the other is refused with the wrong-password error (403 `forbidden`, field currentPassword).
 * Sign-ins in flight cannot outlive it (see createSession).
 */
export async function changePassword({ userId, sessionId, currentPassword, newPassword }: { userId: string; sessionId: string; currentPassword: string; newPassword: string }): Promise<void> {
  await consume("password", userId); // rate_limited past LIMITS.password (shared with deleteAccount): each call verifies an argon2 hash
  const user = await requirePassword(userId, currentPassword, "currentPassword");
  if (newPassword.toLowerCase() === user.username) {
    throw new AppError("bad_request", "Some fields are invalid", { newPassword: "Password must not be your username" });
  }
  const passwordHash = await hashPassword(newPassword);
  await transaction(async (tx, emit) => {
    const changed = await tx`
      update users set password_hash = ${passwordHash}, credential_version = credential_version + 1, updated_at = now()
      where id = ${userId} and credential_version = ${user.credentialVersion} returning id`;
    if (!changed.length) {
      // gone: the account was deleted meanwhile, its sessions with it — signed out, not a wrong password
      const [still] = await tx`select id from users where id = ${userId}`;
      if (!still) throw signedOut();
      throw wrongPassword("currentPassword");
    }
    await lockLiveSession(tx, { userId, sessionId });
    // A new statement, so a new snapshot: it sees every session committed before the update above
    // got the row, including sign-ins that held it `for share` (createSession).
    await endUserSessions(tx, emit, { userId, exceptId: sessionId, reason: "password_changed" });
  });
}

/**
 * Deletes the account: profile, credentials, sessions and memberships go (cascades); messages stay
 * with sender_id NULL, shown as "Deleted user". A group the user owned passes to the next in line, as
 * on leave (lib/conversations/service.ts removeMember); a conversation left with no member is deleted.
 * Each group that stays notes the departure in its timeline: `member_left` for the account's former id,
 * then `owner_changed` when it was the owner — both with sender null, since the account they would
 * name as actor no longer exists (a sender id must be an account). The
 * account's conversations are locked first (lib/platform/locks.ts), so concurrent leaves, adds and sends see the
 * account either whole or gone. Username and email are free for reuse at once.
 * Refused with the wrong-password error (403 `forbidden`, field password) when the password changed
 * after it was verified, and with 401 when `actingSessionId` is no longer live or the account is already
 * gone (two deletions at once: one 204, the other 401, never the password error). The user row is locked
 * at the verified version first, so no sign-in can add a session between the list of sessions to
 * disconnect and the delete.
 */
export async function deleteAccount({ userId, sessionId, password }: { userId: string; sessionId: string; password: string }): Promise<void> {
  await consume("password", userId); // rate_limited past LIMITS.password (shared with changePassword): each call verifies an argon2 hash
  const user = await requirePassword(userId, password, "password");
  await transaction(async (tx, emit) => {
    const [locked] = await tx`select credential_version from users where id = ${userId} for update`;
    // gone: deleted meanwhile (by this account's other request), its sessions with it
    if (!locked) throw signedOut();
    if (locked.credential_version !== user.credentialVersion) throw wrongPassword("password");
    await lockLiveSession(tx, { userId, sessionId });
    // The lock order of lib/platform/locks.ts: this user's row (above), then every conversation of the
    // account, in id order, so no leave, removal, add or send batch changes them until this commits.
    await tx`
      select id from conversations
      where id in (select conversation_id from members where user_id = ${userId}) or created_by = ${userId}
        or id in (select m.conversation_id from reactions r join messages m on m.id = r.message_id where r.user_id = ${userId})
        or id in (select conversation_id from messages where pinned_at is not null and pinned_by = ${userId})
      order by id for no key update`;
    const ids = (await tx`select conversation_id from members where user_id = ${userId} order by conversation_id`).map((m) => m.conversation_id as string);
    const heirs = await promoteHeirs(tx, { ownerId: userId, conversationIds: ids });
    const groups = new Set(ids.length ? (await tx`select id from conversations where id = any(${ids}::uuid[]) and kind = 'group'`).map((c) => c.id as string) : []);
    // the account's reactions go as reactions are taken back (new positions, told to every member), not silently by the cascade
    await withdrawReactions(tx, emit, userId);
    // and the pins it made stay, by nobody: a new position each, not a silent `set null`
    await withdrawPins(tx, emit, userId);
    // revoked (and announced) before the cascade deletes the rows, so every socket of the account is closed
    await endUserSessions(tx, emit, { userId, reason: "deleted" });
    await tx`delete from users where id = ${userId}`;
    // A conversation the account was the last member of goes, with its history (as when the last member leaves).
    const emptied = ids.length
      ? await tx`
          delete from conversations c where c.id = any(${ids}::uuid[])
            and not exists (select 1 from members m where m.conversation_id = c.id)
          returning c.id`
      : [];
    const gone = new Set(emptied.map((c) => c.id as string));
    const notes: Note[] = ids.filter((c) => groups.has(c) && !gone.has(c)).flatMap((c) => [
      { conversationId: c, senderId: null, event: { type: "member_left" as const, userId } },
      ...(heirs.has(c) ? [{ conversationId: c, senderId: null, event: { type: "owner_changed" as const, userId: heirs.get(c)! } }] : []),
    ]);
    await recordNotes(tx, emit, notes);
    // The remaining members see the member list change.
    for (const id of ids.filter((c) => !gone.has(c))) {
      emit({ type: "conversation.changed", conversationId: id, userIds: await memberIdsIn(tx, id) });
    }
  });
}
