/**
 * Socket event handlers: parse with zod, act as the socket's user through lib/, always answer the
 * ack. Every event first passes the socket's event budget (../budget.ts); the per-user limits are
 * counted by the domain functions called here. One file per domain (messages.ts); typing, ping and
 * unknown events are the transport's own.
 *
 * One listener, shared by every socket, takes every event (`onAny`): a socket costs no closures of
 * its own (issue 15, item 4: an idle socket's memory; they were 25 closures, about 3 KB).
 */
import "server-only";
import type { Socket } from "socket.io";
import { consume } from "../../platform/rate-limit";
import { isWellFormed } from "../../platform/text";
import { truncate } from "../../platform/text-length";
import { MAX_FIELD_KEY } from "../../platform/validation";
import { typingSchema } from "../../messages/schemas";
import { eventAllowed } from "../budget";
import type { CLIENT_EVENTS, ClientToServerEvents, ServerToClientEvents, SocketData } from "../contract";
import type { RealtimeServer } from "../registry";
import { reportTyping } from "../typing";
import { answer, failure, handler, type AnyAck, type EventHandler } from "./ack";
import { MESSAGE_HANDLERS } from "./messages";

type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Every client event by name but ping (whose ack carries the user id); compiles only while none is missing. */
const HANDLERS: Record<Exclude<(typeof CLIENT_EVENTS)[number], "ping">, EventHandler> = {
  ...MESSAGE_HANDLERS,
  typing: handler(typingSchema, async ({ conversationId, typing }, { userId, socket }) => {
    await reportTyping(socket.nsp.server as unknown as RealtimeServer, socket, { userId, conversationId, typing });
    return {};
  }),
};

/** An unknown event's name, quoted for its refusal: never ill-formed text (DESIGN Text rules), at most MAX_FIELD_KEY code points like an unknown field's name. */
function eventName(event: unknown): string {
  return typeof event === "string" && isWellFormed(event) ? `"${truncate(event, MAX_FIELD_KEY)}"` : "(a name that is not well-formed text)";
}

/** The ack of an event's arguments (the last one, when it is a function), or one that answers nobody. */
function ackOf(args: unknown[]): AnyAck {
  const last = args.at(-1);
  return typeof last === "function" ? (last as AnyAck) : () => {};
}

/** Every event of a socket (`this`), after its budget: the domain's handlers, typing, ping, or "Unknown event". */
function onEvent(this: ParleySocket, event: string, ...args: unknown[]): void {
  const socket = this;
  if (!eventAllowed(socket, args)) return;
  const { userId } = socket.data;
  if (Object.hasOwn(HANDLERS, event)) {
    void answer(HANDLERS[event as keyof typeof HANDLERS], { userId, socket }, args);
  } else if (event === "ping") {
    // the ack is the last argument, as for every event: a ping sent with a payload before it
    // (which ping does not take, and which is ignored) is answered too, never left in silence
    const ack = args.at(-1);
    if (typeof ack !== "function") return;
    consume("ping", userId).then(
      () => ack({ ok: true, userId }),
      (err) => ack(failure(err)),
    );
  } else {
    const ack = ackOf(args);
    consume("unknownEvent", userId).then(
      () => ack({ ok: false, error: { code: "bad_request", message: `Unknown event ${eventName(event)}` } }),
      (err) => ack(failure(err)),
    );
  }
}

/** Attaches the shared event listener (its budget first) to a connected socket. */
export function registerHandlers(socket: ParleySocket): void {
  socket.onAny(onEvent);
}
