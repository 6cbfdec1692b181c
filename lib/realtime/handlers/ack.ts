/** How every client event is answered: parse the payload, act, and always call the ack (DESIGN.md, Socket.IO protocol). */
import "server-only";
import type { Socket } from "socket.io";
import type { z } from "zod";
import { toAppError } from "../../platform/errors";
import { parseInput } from "../../platform/validation";
import type { Ack, CLIENT_EVENTS } from "../contract";

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

/** Registers one event on a socket: the handler's answer is acked `{ ok: true, ... }`, any throw `{ ok: false, error }`. */
export type On = <S extends z.ZodType>(event: (typeof CLIENT_EVENTS)[number], schema: S, fn: (input: z.infer<S>) => Promise<object>) => void;

/** The `On` of one socket. The last argument is the ack; without one the event is still handled, unanswered. */
export function answering(socket: Socket): On {
  return (event, schema, fn) => {
    socket.on(event, async (...args: unknown[]) => {
      const last = args.at(-1);
      const ack: AnyAck = typeof last === "function" ? (last as AnyAck) : () => {};
      const payload = typeof last === "function" ? args.slice(0, -1)[0] : args[0];
      try {
        ack({ ok: true, ...(await fn(parseInput(schema, payload))) });
      } catch (err) {
        ack(failure(err));
      }
    });
  };
}
