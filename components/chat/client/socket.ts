/** The realtime socket as the chat client sees it: typed by the contract, opened by whoever starts the client. */
import type { ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Opens a socket: in the page, socket.io-client loaded by `import()` once the page is up, then
 * `io(SOCKET_OPTIONS)` (so its ~12 KB are not in the chat page's first load); a fake or a real
 * client in tests, at once. A rejected promise is retried by the client.
 */
export type ConnectSocket = () => ChatSocket | Promise<ChatSocket>;

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
