/**
 * Socket event handlers: parse with zod, act as the socket's user through lib/, always answer the
 * ack. Every event first passes the socket's event budget (./budget.ts); the per-user limits are
 * counted by the domain functions called here.
 */
import type { Socket } from "socket.io";
import type { z } from "zod";
import { AppError, toAppError } from "../platform/errors";
import { consume } from "../platform/rate-limit";
import { isWellFormed } from "../platform/text";
import { truncate } from "../platform/text-length";
import { deleteMessage, editMessage, markRead, sendMessage, syncMessages } from "../messages/service";
import { eventBudget } from "./budget";
import { reportTyping } from "./typing";
import { deleteMessageSchema, editMessageSchema, readSchema, sendMessageSchema, syncSchema, typingSchema } from "../messages/schemas";
import { parseInput } from "../platform/validation";
import { CLIENT_EVENTS, type Ack, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from "./contract";
import type { RealtimeServer } from "./registry";

type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type AnyAck = (res: Ack<object>) => void;

const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

/**
 * An error as an ack. An ack has no `fields`, so a payload refused for one field says what is wrong
 * with it ("A message may be at most 4000 characters"), not just "Some fields are invalid".
 */
function failure(err: unknown): Extract<Ack, { ok: false }> {
  const e = toAppError(err);
  const fieldMessages = Object.values(e.fields ?? {});
  const message = fieldMessages.length === 1 ? fieldMessages[0] : e.message;
  return { ok: false, error: { code: e.code, message } };
}

/** An unknown event's name, quoted for its refusal: never ill-formed text (DESIGN Text rules), at most 64 code points. */
function eventName(event: unknown): string {
  return typeof event === "string" && isWellFormed(event) ? `"${truncate(event, 64)}"` : "(a name that is not well-formed text)";
}

/** Attaches the event budget and every client event's handler to a connected socket. */
export function registerHandlers(io: RealtimeServer, socket: ParleySocket): void {
  const { userId } = socket.data;
  socket.use(eventBudget(socket));

  /** One event: the last argument is the ack. Without one the event is still handled, unanswered. */
  function on<S extends z.ZodType>(event: string, schema: S, fn: (input: z.infer<S>) => Promise<object>): void {
    (socket as unknown as Socket).on(event, async (...args: unknown[]) => {
      const last = args.at(-1);
      const ack: AnyAck = typeof last === "function" ? (last as AnyAck) : () => {};
      const payload = typeof last === "function" ? args.slice(0, -1)[0] : args[0];
      try {
        ack({ ok: true, ...(await fn(parseInput(schema, payload))) });
      } catch (err) {
        ack(failure(err));
      }
    });
  }

  on("message:send", sendMessageSchema, async ({ conversationId, clientId, body }) => {
    const { message } = await sendMessage({ conversationId, clientId, body, senderId: userId });
    return { message };
  });
  on("message:edit", editMessageSchema, async ({ messageId, body }) => ({ message: await editMessage(userId, messageId, body) }));
  on("message:delete", deleteMessageSchema, async ({ messageId }) => ({ message: await deleteMessage(userId, messageId) }));
  on("sync", syncSchema, async ({ since }) => syncMessages(userId, since));
  on("conversation:read", readSchema, async ({ conversationId, seq }) => ({ seq: await markRead(userId, conversationId, seq) }));
  on("typing", typingSchema, async ({ conversationId, typing }) => {
    await reportTyping(io, socket, { userId, conversationId, typing });
    return {};
  });
  socket.on("ping", (ack) => {
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
