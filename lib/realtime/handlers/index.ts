/**
 * Socket event handlers: parse with zod, act as the socket's user through lib/, always answer the
 * ack. Every event first passes the socket's event budget (../budget.ts); the per-user limits are
 * counted by the domain functions called here. One file per domain (messages.ts); typing, ping and
 * unknown events are the transport's own.
 */
import "server-only";
import type { Socket } from "socket.io";
import { consume } from "../../platform/rate-limit";
import { isWellFormed } from "../../platform/text";
import { truncate } from "../../platform/text-length";
import { MAX_FIELD_KEY } from "../../platform/validation";
import { typingSchema } from "../../messages/schemas";
import { eventBudget } from "../budget";
import { CLIENT_EVENTS, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from "../contract";
import type { RealtimeServer } from "../registry";
import { reportTyping } from "../typing";
import { answering, failure, type AnyAck } from "./ack";
import { registerMessageHandlers } from "./messages";

type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

/** An unknown event's name, quoted for its refusal: never ill-formed text (DESIGN Text rules), at most MAX_FIELD_KEY code points like an unknown field's name. */
function eventName(event: unknown): string {
  return typeof event === "string" && isWellFormed(event) ? `"${truncate(event, MAX_FIELD_KEY)}"` : "(a name that is not well-formed text)";
}

/** Attaches the event budget and every client event's handler to a connected socket. */
export function registerHandlers(io: RealtimeServer, socket: ParleySocket): void {
  const { userId } = socket.data;
  socket.use(eventBudget(socket));
  const on = answering(socket as unknown as Socket);

  registerMessageHandlers(on, userId);
  on("typing", typingSchema, async ({ conversationId, typing }) => {
    await reportTyping(io, socket, { userId, conversationId, typing });
    return {};
  });
  // the ack is the last argument, as for every event (./ack.ts): a ping sent with a payload before it
  // (which ping does not take, and which is ignored) is answered too, never left in silence
  socket.on("ping", (...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== "function") return;
    consume("ping", userId).then(
      () => ack({ ok: true, userId }),
      (err) => ack(failure(err)),
    );
  });

  socket.onAny((event: string, ...args: unknown[]) => {
    if (KNOWN_EVENTS.has(event)) return;
    const last = args.at(-1);
    const ack: AnyAck = typeof last === "function" ? (last as AnyAck) : () => {};
    consume("unknownEvent", userId).then(
      () => ack({ ok: false, error: { code: "bad_request", message: `Unknown event ${eventName(event)}` } }),
      (err) => ack(failure(err)),
    );
  });
}
