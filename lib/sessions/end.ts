import { disconnectSessions } from "../realtime/registry";
import { revokeSession, revokeUserSessions } from "./store";

/** Sign-out: the row is revoked first, then that session's sockets are told and disconnected. */
export async function endSession(sessionId: string): Promise<void> {
  await revokeSession(sessionId);
  disconnectSessions([sessionId]);
}

/** Ends every session of a user except `exceptId` (password change, account deletion). */
export async function endUserSessions(userId: string, exceptId?: string): Promise<void> {
  disconnectSessions(await revokeUserSessions(userId, exceptId));
}
