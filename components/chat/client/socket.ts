/** The realtime socket as the chat client sees it: typed by the contract, opened by whoever starts the client. */
import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Opens a socket: `() => io(SOCKET_OPTIONS)` in the page, a fake or a real client in tests. */
export type ConnectSocket = () => ChatSocket;

/**
 * How the page opens its socket. A connection closed before its handshake finished is only noticed
 * by the connect timeout (socket.io-client's Manager listens for "error", not "close", while
 * opening): keep it short.
 */
export const SOCKET_OPTIONS: Partial<ManagerOptions & SocketOptions> = {
  path: "/socket.io",
  transports: ["websocket"],
  timeout: 5_000,
  reconnectionDelay: 500,
  reconnectionDelayMax: 5_000,
};
