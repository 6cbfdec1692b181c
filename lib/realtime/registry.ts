/**
 * The running Socket.IO server, reachable from Next's bundles (route handlers, auth events) which do
 * not share module instances with server.ts: it lives on globalThis.
 */
import type { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from "./events";
import { rooms } from "./events";

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
