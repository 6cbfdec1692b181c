/**
 * The running Socket.IO server, reachable from Next's bundles (route handlers, auth events) which do
 * not share module instances with server.ts: it lives on globalThis.
 */
import type { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "./contract";
import { rooms } from "./contract";

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const holder = globalThis as unknown as { __parleyIo?: RealtimeServer };

export function setRealtimeServer(io: RealtimeServer | undefined): void {
  holder.__parleyIo = io;
}

export function getRealtimeServer(): RealtimeServer | undefined {
  return holder.__parleyIo;
}

/** Tells and disconnects every socket of these sessions (on every node, with the Redis adapter). */
export function disconnectSessions(sessionIds: string[], reason: "signed_out" | "deleted" | "password_changed" = "signed_out"): void {
  const io = holder.__parleyIo;
  if (!io || sessionIds.length === 0) return;
  const targets = sessionIds.map(rooms.session);
  io.to(targets).emit("session:revoked", { reason });
  io.in(targets).disconnectSockets(true);
}

// Shared by Next's bundles (which announce membership changes) and server.ts (whose sockets
// reconcile their rooms): one record per process, on globalThis like the server itself. Changes are
// numbered in the order they were announced (one thread: the order is exact).
const changes = globalThis as unknown as { __parleyMembershipChanges?: { last: number; byKey: Map<string, number> } };
const MAX_REMEMBERED = 10_000;

function record() {
  return (changes.__parleyMembershipChanges ??= { last: 0, byKey: new Map() });
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
