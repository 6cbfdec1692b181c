/**
 * Ending sessions: the one place that revokes them and publishes `sessions.ended`, so whatever is
 * connected with them (sockets, on every node) is told and closed (lib/realtime/delivery.ts).
 */
import "server-only";
import { publish, type DomainEvents, type Emit, type Tx } from "../platform/events";
import "./events";
import { revokeSession, revokeUserSessions } from "./store";

type Reason = DomainEvents["sessions.ended"]["reason"];

/**
 * Sign-out: the row is revoked first, then that session's sockets are told and disconnected. They are
 * told even when the revocation throws: its answer may have been lost after it committed (a broken
 * connection), and closing the sockets of a session that is still live costs only their reconnect.
 */
export async function endSession({ sessionId }: { sessionId: string }): Promise<void> {
  try {
    await revokeSession(sessionId);
  } finally {
    await publish({ type: "sessions.ended", sessionIds: [sessionId], reason: "signed_out" });
  }
}

/**
 * Inside the caller's transaction `tx`: revokes every live session of `userId` but `exceptId` and
 * queues `sessions.ended` with `emit` (lib/platform/events.ts `transaction`), so the sockets are
 * closed only if the change that ends them commits.
 */
export async function endUserSessions(
  tx: Tx,
  emit: Emit,
  { userId, exceptId, reason }: { userId: string; exceptId?: string; reason: Reason },
): Promise<void> {
  const sessionIds = await revokeUserSessions(tx, { userId, exceptId });
  emit({ type: "sessions.ended", sessionIds, reason });
}
