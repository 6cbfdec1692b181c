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
 * How the page opens its socket. The two delays are read by `spreadRetries` (socket.io-client's
 * randomizationFactor is then unused).
 *
 * `timeout` bounds one attempt until Engine.IO's handshake arrives; it is socket.io-client's
 * default of 20 s. It was 5 s while a connection closed before that handshake was noticed only by
 * the timeout (`failClosedOpenings` now notices it at once), and 5 s is too short for a server that
 * many clients reconnect to at once: in the reconnect-storm bench (10,000 clients, issue 15 item 5)
 * 9,000–26,000 attempts timed out while queued at the restarted server, each then retried after a
 * backoff while the server still did its share of the abandoned handshake; all were back 20–52 s
 * after accept. With 20 s none timed out and all were back in 14 s.
 */
export const SOCKET_OPTIONS: Partial<ManagerOptions & SocketOptions> = {
  path: "/socket.io",
  transports: ["websocket"],
  timeout: 20_000,
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
  failClosedOpenings(socket.io);
  return socket.connect();
}

/** What socket.io-client's Manager keeps privately about the attempt under way (build/esm/manager.js). */
interface Opening {
  /** "opening" from `open()` until Engine.IO's handshake arrives or the attempt fails */
  _readyState: string;
  /** the Engine.IO socket of the latest attempt, made by `open()` */
  engine?: { on(event: "close", listener: (reason: string) => void): unknown; emitReserved(event: "error", err: Error): unknown };
  open(fn?: (err?: Error) => void): unknown;
}

const isOpening = (m: unknown): m is Opening => typeof m === "object" && m !== null && typeof (m as Opening).open === "function" && typeof (m as Opening)._readyState === "string";

/**
 * Makes a Manager fail an attempt as soon as its connection closes before Engine.IO's handshake
 * arrived (a proxy, a captive portal or a dying server that accepts the WebSocket and drops it),
 * as it already does when the connection errs: it then retries after `spreadRetries`' delay.
 *
 * Why: while opening, socket.io-client's Manager listens for the Engine.IO socket's "error" but not
 * its "close" (Manager.open in socket.io-client 4.8), so such an attempt would wait out the whole
 * connect timeout. Here its "close" is passed on as the "error" the Manager listens for; once the
 * attempt has succeeded or failed otherwise the Manager is no longer "opening" and it is ignored.
 * A Manager without these internals is left as it is (tests/unit/socket-retries fails then).
 */
export function failClosedOpenings(manager: Manager<ServerToClientEvents, ClientToServerEvents>): void {
  const m: unknown = manager;
  if (!isOpening(m)) return;
  const open = m.open.bind(m);
  m.open = (fn) => {
    const result = open(fn);
    const engine = m.engine;
    if (m._readyState === "opening" && engine) {
      engine.on("close", (reason) => {
        if (m._readyState === "opening" && m.engine === engine) engine.emitReserved("error", new Error(reason));
      });
    }
    return result;
  };
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
