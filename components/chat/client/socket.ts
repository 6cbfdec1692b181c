/** The realtime socket as the chat client sees it: typed by the contract, opened by whoever starts the client. */
import type { io as ioFunction, Manager, ManagerOptions, Socket, SocketOptions } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Opens a socket: in the page, socket.io-client loaded by `import()` once the page is up, then
 * `openSocket({ io })` (so its ~12 KB are not in the chat page's first load); a fake or a real
 * client in tests, at once. A rejected promise is retried by the client.
 */
export type ConnectSocket = () => ChatSocket | Promise<ChatSocket>;

/**
 * How the page opens its socket. A connection closed before its handshake finished is only noticed
 * by the connect timeout (socket.io-client's Manager listens for "error", not "close", while
 * opening): keep it short. The two delays are read by `spreadRetries` (socket.io-client's
 * randomizationFactor is then unused).
 */
export const SOCKET_OPTIONS: Partial<ManagerOptions & SocketOptions> = {
  path: "/socket.io",
  transports: ["websocket"],
  timeout: 5_000,
  reconnectionDelay: 500,
  reconnectionDelayMax: 5_000,
};

/**
 * Opens a socket with SOCKET_OPTIONS (and `options` on top) whose retries are spread by
 * `spreadRetries`: the page and the reconnect-storm bench both open theirs here. `io` is passed in
 * so that this file stays free of socket.io-client's code; the socket is created without
 * connecting so that even a first attempt failing at once is retried with the spread delays.
 */
export function openSocket({ io, url, options }: { io: typeof ioFunction; url?: string; options?: Partial<ManagerOptions & SocketOptions> }): ChatSocket {
  const socket: ChatSocket = io(url, { ...SOCKET_OPTIONS, ...options, autoConnect: false });
  spreadRetries(socket.io);
  return socket.connect();
}

/** What socket.io-client's Manager keeps in its private `backoff` (build/esm/contrib/backo2.js). */
interface Backoff {
  /** reconnectionDelay */
  ms: number;
  /** reconnectionDelayMax */
  max: number;
  /** 2: the Manager never sets another */
  factor: number;
  /** retries since the last successful connect; the Manager resets it on connect and on close */
  attempts: number;
  /** the only thing the Manager's reconnect() asks: how long to wait before the next attempt */
  duration(): number;
}

const isBackoff = (b: unknown): b is Backoff =>
  typeof b === "object" && b !== null && ["ms", "max", "factor", "attempts"].every((k) => typeof (b as Record<string, unknown>)[k] === "number") && typeof (b as Backoff).duration === "function";

/**
 * Makes a Manager spread its reconnection delays with "full jitter" (Marc Brooker, "Exponential
 * Backoff And Jitter", AWS Architecture Blog, 2015: sleep = random_between(0, min(cap, base * 2 ** attempt))),
 * with a floor of half the base: retry n (0 for the first after a connection was lost or refused)
 * waits a uniformly random time in [reconnectionDelay / 2, min(reconnectionDelayMax, reconnectionDelay · 2ⁿ)].
 *
 * Why: socket.io-client's own backoff adds ±randomizationFactor around reconnectionDelay · 2ⁿ and
 * caps afterwards, so from the 6th retry on every delay is exactly reconnectionDelayMax (90 % of the
 * 5th): after a server restart a crowd of clients that lost it together retries in lockstep every
 * 5 s. Full jitter spreads each retry over the whole window instead. The floor keeps a client that
 * just lost its server from asking again at once (the first retry lies in 250–500 ms with
 * SOCKET_OPTIONS, where socket.io-client's lay in 250–750 ms); reconnectionDelayMax stays the longest
 * wait there is.
 *
 * Only `duration()` is replaced: the Manager still counts `attempts`, resets them on connect, and
 * its reconnectionDelay / reconnectionDelayMax setters still apply (they are read at every retry).
 * A socket.io-client whose Manager has no such backoff is left as it is (tests/unit/socket-retries
 * fails then).
 */
export function spreadRetries(manager: Manager<ServerToClientEvents, ClientToServerEvents>): void {
  const backoff: unknown = (manager as unknown as { backoff?: unknown }).backoff;
  if (!isBackoff(backoff)) return;
  backoff.duration = () => {
    const attempt = backoff.attempts++;
    const floor = Math.min(backoff.ms / 2, backoff.max);
    const top = Math.max(floor, Math.min(backoff.max, backoff.ms * backoff.factor ** attempt));
    return Math.floor(floor + Math.random() * (top - floor));
  };
}
