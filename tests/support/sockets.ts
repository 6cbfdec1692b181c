import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";
import { baseUrl } from "./api";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const open: ClientSocket[] = [];

/** A real socket.io client authenticated by a session cookie (websocket only, no auto-reconnect). */
export function connectSocket(cookie: string): ClientSocket {
  const socket: ClientSocket = io(baseUrl(), {
    path: "/socket.io",
    transports: ["websocket"],
    extraHeaders: { cookie },
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  return socket;
}

/** Resolves on connect, rejects with the server's connect_error message. */
export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
}

export function closeAllSockets(): void {
  for (const s of open.splice(0)) s.disconnect();
}
