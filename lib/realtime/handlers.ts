/** Socket event handlers: parse with zod, act as the socket's user through lib/, always answer the ack. */
import type { Socket } from "socket.io";
import type { z } from "zod";
import { AppError, toAppError } from "../errors";
import { deleteMessage, editMessage, markRead, sendMessage, syncMessages } from "../messages";
import { consumeSend } from "../limiter";
import {
  deleteMessageSchema,
  editMessageSchema,
  parseInput,
  readSchema,
  sendMessageSchema,
  syncSchema,
  typingSchema,
} from "../validation";
import { CLIENT_EVENTS, rooms, type Ack, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from "./events";

type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type AnyAck = (res: Ack<object>) => void;

const TYPING_THROTTLE_MS = 1000;
const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

function failure(err: unknown): Ack<object> {
  const e = toAppError(err);
  return { ok: false, error: { code: e.code, message: e.message } };
}

export function registerHandlers(socket: ParleySocket): void {
  const { userId } = socket.data;

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
    await consumeSend(userId);
    const { message } = await sendMessage({ conversationId, clientId, body, senderId: userId });
    return { message };
  });
  on("message:edit", editMessageSchema, async ({ messageId, body }) => ({ message: await editMessage(userId, messageId, body) }));
  on("message:delete", deleteMessageSchema, async ({ messageId }) => ({ message: await deleteMessage(userId, messageId) }));
  on("sync", syncSchema, async ({ since }) => syncMessages(userId, since));
  on("conversation:read", readSchema, async ({ conversationId, seq }) => ({ seq: await markRead(userId, conversationId, seq) }));
  const lastTyping = new Map<string, number>();
  on("typing", typingSchema, async ({ conversationId, typing }) => {
    // The socket is in a conversation's room exactly while its user is a member.
    const room = rooms.conversation(conversationId);
    if (!socket.rooms.has(room)) throw new AppError("not_found", "No such conversation");
    // "Still typing" is relayed at most once a second per conversation; "stopped" always is.
    const now = Date.now();
    if (typing && now - (lastTyping.get(conversationId) ?? 0) < TYPING_THROTTLE_MS) return {};
    lastTyping.set(conversationId, typing ? now : 0);
    socket.to(room).emit("typing", { conversationId, userId, typing });
    return {};
  });

  socket.onAny((event: string, ...args: unknown[]) => {
    if (KNOWN_EVENTS.has(event)) return;
    const ack = args.at(-1);
    if (typeof ack === "function") (ack as AnyAck)({ ok: false, error: { code: "bad_request", message: `Unknown event "${event}"` } });
  });
}
