/**
 * The Socket.IO server's type, and the record of membership changes announced to live sockets
 * (lib/realtime/delivery.ts notes them; a connecting socket's reconcile reads them).
 */
import "server-only";
import type { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "./contract";
import { singleton } from "../platform/singleton";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

// Shared by Next's bundles (which announce membership changes) and server.ts (whose sockets
// reconcile their rooms): one record per process, like the server itself. Changes are numbered in
// the order they were announced (one thread: the order is exact).
const MAX_REMEMBERED = 10_000;

function record() {
  return singleton("realtime.membershipChanges", () => ({ last: 0, byKey: new Map<string, number>() }));
}

/** Records that `userId`'s membership of `conversationId` is being announced to live sockets (joined or left). */
export function noteMembershipChange(userId: string, conversationId: string): void {
  const r = record();
  // a reconcile is one query long: changes far older than the last 10,000 no longer matter
  if (r.byKey.size >= MAX_REMEMBERED) r.byKey.clear();
  r.byKey.set(`${userId}|${conversationId}`, ++r.last);
}

/** The number of the last membership change announced in this process (0 before any). */
export function lastMembershipChange(): number {
  return record().last;
}

/**
 * Whether a change of `userId`'s membership of `conversationId` was announced after change number
 * `since`: a socket reconciling its rooms from a read that started then must leave that room as the
 * announcement left it, or a stale read would undo a removal (or an add).
 */
export function membershipChangedSince(userId: string, conversationId: string, since: number): boolean {
  return (record().byKey.get(`${userId}|${conversationId}`) ?? 0) > since;
}
