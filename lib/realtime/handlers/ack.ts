/** How every client event is answered: parse the payload, act, and always call the ack (DESIGN.md, Socket.IO protocol). */
import "server-only";
import type { Socket } from "socket.io";
import type { z } from "zod";
import { toAppError } from "../../platform/errors";
import { parseInput } from "../../platform/validation";
import type { Ack } from "../contract";

export type AnyAck = (res: Ack<object>) => void;

/**
 * An error as an ack. An ack has no `fields`, so a payload refused for one field says what is wrong
 * with it ("A message may be at most 4000 characters"), not just "Some fields are invalid".
 */
export function failure(err: unknown): Extract<Ack, { ok: false }> {
  const e = toAppError(err);
  const fieldMessages = Object.values(e.fields ?? {});
  const message = fieldMessages.length === 1 ? fieldMessages[0] : e.message;
  return { ok: false, error: { code: e.code, message } };
}

/** Who sends an event: the socket's user, and the socket (typing reports through it). */
export interface Caller {
  userId: string;
  socket: Socket;
}

/**
 * One client event: the schema of its payload and what it does as the caller, answering the ack's
 * `ok: true` fields. Shared by every socket (issue 15, item 4: no closures per socket).
 */
export interface EventHandler<S extends z.ZodType = z.ZodType> {
  schema: S;
  run(input: z.infer<S>, caller: Caller): Promise<object>;
}

/** An EventHandler, typed from its schema. */
export function handler<S extends z.ZodType>(schema: S, run: (input: z.infer<S>, caller: Caller) => Promise<object>): EventHandler<S> {
  return { schema, run };
}

/**
 * Handles one event's arguments (`args`: the payload, then the ack when the client asked for one)
 * with `h` as `caller`: acks `{ ok: true, ... }`, or `{ ok: false, error }` for any throw. Without
 * an ack the event is still handled, unanswered.
 */
export async function answer(h: EventHandler, caller: Caller, args: unknown[]): Promise<void> {
  const last = args.at(-1);
  const ack: AnyAck = typeof last === "function" ? (last as AnyAck) : () => {};
  const payload = typeof last === "function" ? args.slice(0, -1)[0] : args[0];
  try {
    ack({ ok: true, ...(await h.run(parseInput(h.schema, payload), caller)) });
  } catch (err) {
    ack(failure(err));
  }
}
