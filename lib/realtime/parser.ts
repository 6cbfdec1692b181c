/**
 * Socket.IO's packet parser with one guard in front of JSON.parse: a text packet nested deeper than
 * MAX_NESTING is refused before it is parsed. Every packet is parsed as it arrives — before the
 * origin check, the handshake's authentication or any rate limit — and JSON.parse of a megabyte of
 * `[[[[…` holds the event loop for about a third of a second, so without this anyone could stall
 * the server with a few packets and no account (found by an attack pass). Parley's deepest
 * legitimate packet is four levels (the packet array, the payload, `since`, a value).
 * A refused packet is a protocol error: Socket.IO closes that connection (Client.ondata).
 */
import "server-only";
import { Decoder as SocketIoDecoder, Encoder } from "socket.io-parser";

/** Deepest `[` / `{` nesting a packet may have, counted outside JSON strings. */
export const MAX_NESTING = 32;

/**
 * Whether the JSON text `s` opens more than `max` arrays or objects inside one another. One pass,
 * skipping string contents (escapes included); stops as soon as the answer is known.
 */
export function nestsDeeperThan(s: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/** socket.io-parser's Decoder, refusing over-nested text packets before parsing them. */
export class BoundedDecoder extends SocketIoDecoder {
  add(chunk: unknown): void {
    if (typeof chunk === "string" && nestsDeeperThan(chunk, MAX_NESTING)) throw new Error(`packet nested deeper than ${MAX_NESTING}`);
    super.add(chunk);
  }
}

/** The `parser` option for `new Server(...)`: the default encoder, the bounded decoder. */
export const boundedParser = { Encoder, Decoder: BoundedDecoder };
