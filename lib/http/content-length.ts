/**
 * Content-Length for route handlers that know it. Next (16, `server/send-response.js`,
 * FORBIDDEN_HEADERS) drops `Content-Length` from every route handler's response, because a body it
 * fetched may have been decoded meanwhile. Downloads then went chunked: a browser showed neither the
 * size nor the progress of a file, and a body cut short (the file deleted while it was read) ended
 * with a proper last chunk, so a client could not tell it was incomplete. A handler that knows its
 * length also sets DECLARED_LENGTH; server.ts calls `keepDeclaredLength` on every response, which
 * turns it back into Content-Length as the head is written.
 */
import "server-only";
import type { ServerResponse } from "node:http";

/** The header a route handler sets to its body's exact length in bytes (never sent as such). */
export const DECLARED_LENGTH = "x-parley-content-length";

/**
 * Makes `res` send DECLARED_LENGTH, when a handler set it to a decimal byte count, as its
 * Content-Length, and never send DECLARED_LENGTH itself. Works however the head is written
 * (`writeHead`, or implicitly by the first write, `flushHeaders` or `end`, which all call it).
 */
export function keepDeclaredLength(res: ServerResponse): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const declared = this.getHeader(DECLARED_LENGTH);
    if (declared !== undefined) {
      this.removeHeader(DECLARED_LENGTH);
      if (/^\d{1,15}$/.test(String(declared))) this.setHeader("Content-Length", String(declared));
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
