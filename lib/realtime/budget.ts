/**
 * Connection-level flood limits, checked in memory before any handler runs: a budget of incoming
 * events per socket, and a cap on one user's open sockets per node. (OWASP WebSocket Security cheat
 * sheet: limit connections per user and messages per connection.) The per-user limits of each event
 * are in the domain functions (lib/platform/rate-limit.ts LIMITS); these stop the flood before it gets that far.
 */
import "server-only";
import type { Socket } from "socket.io";
import { env } from "../platform/env";
import { toAppError } from "../platform/errors";
import { consume, MAX_SOCKETS_PER_USER, SOCKET_BUDGET } from "../platform/rate-limit";
import { rooms, type SocketData } from "./contract";
import type { RealtimeServer } from "./registry";

const RATE_LIMITED = (message: string) => ({ ok: false as const, error: { code: "rate_limited" as const, message } });

/** One socket's event budget (eventAllowed): its tokens and refusals. */
interface Budget {
  tokens: number;
  refilledAt: number;
  refused: number;
  windowStart: number;
  closed: boolean;
}
/** Each socket's budget, made at its first event, gone with the socket. */
const budgets = new WeakMap<object, Budget>();

/**
 * Spends one of `socket`'s events (`packet`: the event's arguments, the ack last when there is
 * one) from a token bucket of SOCKET_BUDGET.burst events refilled at SOCKET_BUDGET.perSecond, and
 * answers whether the event may be handled. An event over budget is not: its ack is answered
 * `{ ok: false, error: { code: "rate_limited", message } }`, so a well-behaved client is never left
 * waiting. A socket with more than SOCKET_BUDGET.disconnectAfter events refused within
 * SOCKET_BUDGET.windowSeconds is disconnected. Always true with RATE_LIMITS=off. One shared
 * function and a small record per socket, not a middleware closure per socket (issue 15, item 4).
 */
export function eventAllowed(socket: Pick<Socket, "disconnect" | "data">, packet: unknown[]): boolean {
  if (!env().rateLimitsOn) return true;
  const { burst, perSecond, disconnectAfter, windowSeconds } = SOCKET_BUDGET;
  const now = Date.now();
  let b = budgets.get(socket);
  if (!b) budgets.set(socket, (b = { tokens: burst, refilledAt: now, refused: 0, windowStart: 0, closed: false }));
  if (b.closed) return false; // packets already read when it was disconnected
  b.tokens = Math.min(burst, b.tokens + ((now - b.refilledAt) / 1000) * perSecond);
  b.refilledAt = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  const ack = packet.at(-1);
  if (typeof ack === "function") ack(RATE_LIMITED("Too many events from this connection. Slow down."));
  if (now - b.windowStart > windowSeconds * 1000) {
    b.windowStart = now;
    b.refused = 0;
  }
  if (++b.refused > disconnectAfter) {
    b.closed = true;
    console.warn(`[realtime] disconnected a socket of user ${(socket.data as SocketData).userId}: it kept flooding past its event budget`);
    socket.disconnect(true);
  }
  return false;
}

/**
 * An `io.use` middleware, after authentication (which puts the socket in its user's room): refuses
 * the handshake with connect_error `rate_limited` when the user already has MAX_SOCKETS_PER_USER
 * sockets on this node. Counted from the room itself, so sockets still in their handshake count and
 * nothing needs undoing when a socket goes. Off with RATE_LIMITS=off.
 */
export function limitSocketsPerUser(io: RealtimeServer): (socket: { data: Partial<SocketData> }, next: (err?: Error) => void) => void {
  return (socket, next) => {
    if (!env().rateLimitsOn || !socket.data.userId) return next();
    // this node's sockets only (the Redis adapter's `rooms` is local too), this one included
    const open = io.of("/").adapter.rooms.get(rooms.user(socket.data.userId))?.size ?? 0;
    if (open <= MAX_SOCKETS_PER_USER) return next();
    const refusal = new Error("rate_limited") as Error & { data?: unknown };
    refusal.data = { message: `Too many open connections (at most ${MAX_SOCKETS_PER_USER}). Close a tab and try again.` };
    next(refusal);
  };
}

/**
 * An `io.use` middleware, after authentication: at most LIMITS.handshake handshakes per user a
 * minute (a reconnect loop costs a session lookup, a membership read and a presence fan-out to every
 * room each time); beyond it the handshake is refused with connect_error `rate_limited`, after which
 * the client waits 30 s. Off with RATE_LIMITS=off.
 */
export function limitHandshakesPerUser(): (socket: { data: Partial<SocketData> }, next: (err?: Error) => void) => void {
  return (socket, next) => {
    if (!socket.data.userId) return next();
    consume("handshake", socket.data.userId).then(
      () => next(),
      (err) => {
        const refusal = new Error(toAppError(err).code) as Error & { data?: unknown };
        refusal.data = { message: toAppError(err).message };
        next(refusal);
      },
    );
  };
}
