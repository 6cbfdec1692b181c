/**
 * Every request body is bounded in size and in time before Next sees it (server.ts wraps its handler
 * with `withBoundedBody`). Next would otherwise read an unbounded body into memory (route handlers),
 * answer an oversized server action with a bare 500, and keep a connection whose body never ends.
 */
import "server-only";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { env } from "../platform/env";
import { AppError, errorBody } from "../platform/errors";
import { AVATAR_MAX_BYTES } from "../people/rules";

/** JSON API bodies (route handlers' readJson), in bytes. */
export const MAX_JSON_BYTES = 64 * 1024;
/** next-auth's endpoints: the sign-in form (login ≤ 254, password ≤ 200, CSRF token) is far below. */
export const MAX_AUTH_BODY_BYTES = 4 * 1024;
/** Pages and server actions (the settings and registration forms are a few KiB at most). */
export const MAX_FORM_BODY_BYTES = 64 * 1024;
/** A body must have arrived whole this long after the request head (≥ 6.5 KB/s for the largest). */
export const BODY_DEADLINE_MS = 10_000;

/** The largest body a request to `url` may carry, in bytes. */
export function bodyLimitFor(url: string): number {
  const path = url.split("?")[0];
  if (path === "/api/auth" || path.startsWith("/api/auth/")) return MAX_AUTH_BODY_BYTES;
  if (path.startsWith("/api/")) return MAX_JSON_BYTES;
  return MAX_FORM_BODY_BYTES;
}

/** What a multipart body may carry besides the file itself (boundaries, part headers), in bytes. */
export const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/**
 * The bodies that stream to their handler instead of being held whole (uploads: POST
 * /api/attachments, PUT /api/me/avatar): their limit in bytes, or null for every other request. A
 * declared Content-Length over it is refused at once; the handler bounds the rest as the file
 * arrives (lib/attachments/store.ts, lib/people/avatar-upload.ts), and `watchIdle` the pauses.
 */
export function streamedBodyLimit(method: string | undefined, url: string): number | null {
  const path = url.split("?")[0];
  if (method === "POST" && path === "/api/attachments") return env().uploadMaxBytes + MULTIPART_OVERHEAD_BYTES;
  if (method === "PUT" && path === "/api/me/avatar") return AVATAR_MAX_BYTES + MULTIPART_OVERHEAD_BYTES;
  return null;
}

/** What a refused streamed body was too large for: the file's own limit, in the words its route uses. */
function streamedTooLarge(method: string | undefined, url: string): AppError {
  const avatar = method === "PUT" && url.split("?")[0] === "/api/me/avatar";
  return new AppError("payload_too_large", avatar ? `A picture may be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MiB` : `A file may be at most ${env().uploadMaxBytes} bytes`);
}

/** What next.config.mjs gives API answers, for the refusals written before Next runs. */
const REFUSAL_HEADERS = {
  "content-type": "application/json",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "x-content-type-options": "nosniff",
};

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** IncomingMessage's own stream methods, which the wrappers below replace on one request for a while. */
type Intercepted = IncomingMessage & { _read(size: number): void };

/** How long a refused body may go on arriving (read and dropped) after the answer. */
export const LINGER_MS = 2_000;

/**
 * Answers in the API's error shape without reading the body further. 408 closes the connection at
 * once (RFC 9110 §15.5.9: the server has stopped waiting). After a 413 (§15.5.14) the connection
 * lingers: what more of the body arrives is read and dropped for up to LINGER_MS, then the
 * connection closes if the body is still coming or the client asked to close. Closing on unread
 * data at once would make the client's TCP stack answer with a reset and lose the 413 (as nginx's
 * lingering_close avoids), and Node would do just that for a client sending `Connection: close`.
 */
function refuse(req: IncomingMessage, res: ServerResponse, err: AppError): void {
  const socket = req.socket;
  if (res.headersSent) {
    socket.destroy();
    return;
  }
  if (err.code === "request_timeout") {
    res.writeHead(err.status, { ...REFUSAL_HEADERS, connection: "close" });
    res.end(JSON.stringify(errorBody(err)), () => socket.destroy());
    return;
  }
  const keepAlive = res.shouldKeepAlive;
  // No Connection header and no "last response" for Node: it then reads and drops the rest of the body.
  res.shouldKeepAlive = true;
  res.removeHeader("connection");
  res.writeHead(err.status, REFUSAL_HEADERS);
  res.end(JSON.stringify(errorBody(err)), () => {
    setTimeout(() => (req.complete && keepAlive) || socket.destroy(), LINGER_MS).unref();
  });
}

/**
 * Bounds the pauses of a body that streams to its handler (an upload): whenever the server is
 * waiting for the body and no byte has come for `idleMs`, the answer is 408 `request_timeout`, the
 * connection is closed, and the request stream is destroyed, so whatever reads it (Next's body
 * stream or `Readable.toWeb`) fails and the upload made so far is deleted (lib/http/multipart.ts).
 * Without it a stalled upload held its connection and its unfinished row for Node's requestTimeout
 * (300 s) and the row until the daily sweep. The clock runs only while the server wants more: it
 * restarts with every chunk, and stops while the request's buffer is full (the handler is the slow
 * one, its storage say, and TCP holds the client back), so a slow but steady upload is never cut.
 *
 * It watches the chunks the way the held bodies do (intercepting `push`, through which Node's HTTP
 * parser hands each chunk to the stream, and `_read`, through which the reader asks for more),
 * without reading anything itself: the handler reads the request as usual. Everything is undone
 * when the body has arrived, the answer is finished or the connection closes.
 */
function watchIdle(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  const r = req as Intercepted;
  const push = r.push;
  const read = r._read;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    if (r.push === watchedPush) r.push = push;
    if (r._read === watchedRead) r._read = read;
    res.off("finish", stop);
    res.off("close", stop);
  };
  const expire = () => {
    if (stopped) return;
    stop();
    const err = new AppError("request_timeout", `No part of the upload arrived for ${idleMs / 1000} s`);
    refuse(req, res, err);
    // once the 408 is out and the connection closed, whoever reads the body learns it will not come
    const fail = () => req.destroyed || req.destroy(err);
    if (req.socket.destroyed) fail();
    else req.socket.once("close", fail);
  };
  const wait = () => {
    clearTimeout(timer);
    timer = setTimeout(expire, idleMs);
    timer.unref();
  };
  const watchedPush = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    const more = push.call(r, chunk, encoding);
    if (chunk === null) stop();
    else if (more) wait();
    else clearTimeout(timer); // the buffer is full: the reader is the one waiting, not us (it calls _read when ready)
    return more;
  };
  const watchedRead = (size: number): void => {
    if (!stopped) wait();
    read.call(r, size);
  };
  r.push = watchedPush;
  r._read = watchedRead;
  res.once("finish", stop);
  res.once("close", stop);
  wait();
}

/**
 * Wraps a request handler so that it runs only once the request's body has arrived whole, within
 * `bodyLimitFor(req.url)` bytes and BODY_DEADLINE_MS; uploads stream to `handler` at once, their
 * pauses bounded by UPLOAD_IDLE_MS (`watchIdle`). Bodies declared too large (Content-Length) are
 * refused at once with 413 `payload_too_large`; chunked ones as soon as they cross the limit; a body
 * still incomplete at the deadline gets 408 `request_timeout` (RFC 9110 §15.5.14 and §15.5.9). A
 * connection whose body is still unfinished is then closed (see `refuse`), so no socket, timer or
 * buffer outlives the answer for long.
 *
 * The body is held by intercepting `push` on the request, through which Node's HTTP parser hands
 * each received chunk to the stream; once complete, the chunks are pushed for real, so `handler`
 * reads an ordinary, unread IncomingMessage.
 */
export function withBoundedBody(handler: Handler): Handler {
  return (req, res) => {
    const declared = req.headers["content-length"];
    const streamed = streamedBodyLimit(req.method, req.url ?? "/");
    if (streamed !== null) {
      if (declared !== undefined && Number(declared) > streamed) {
        return refuse(req, res, streamedTooLarge(req.method, req.url ?? "/"));
      }
      if (!req.complete) watchIdle(req, res, env().uploadIdleMs);
      return handler(req, res);
    }
    const limit = bodyLimitFor(req.url ?? "/");
    const chunked = req.headers["transfer-encoding"] !== undefined;
    if (!chunked && (declared === undefined || declared === "0")) return handler(req, res);
    if (declared !== undefined && Number(declared) > limit) {
      return refuse(req, res, new AppError("payload_too_large", `The body may be at most ${limit} bytes`));
    }
    if (req.complete) {
      if (req.readableLength <= limit) return handler(req, res);
      return refuse(req, res, new AppError("payload_too_large", `The body may be at most ${limit} bytes`));
    }

    const held: Buffer[] = [];
    let size = req.readableLength; // whatever the parser pushed before this wrapper ran
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      held.length = 0;
      req.socket.off("close", onClose);
    };
    const fail = (err: AppError) => {
      if (settled) return;
      settle();
      refuse(req, res, err);
    };
    const timer = setTimeout(() => fail(new AppError("request_timeout", `The body did not arrive within ${BODY_DEADLINE_MS / 1000} s`)), BODY_DEADLINE_MS);
    timer.unref();
    const onClose = () => settle(); // the client went away: nothing to answer, nothing to keep
    req.socket.once("close", onClose);

    req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (settled) return false; // refused: the rest of the body is dropped as it arrives
      if (chunk === null) {
        const body = held.splice(0);
        settle();
        delete (req as { push?: unknown }).push; // back to IncomingMessage.prototype.push
        for (const c of body) req.push(c);
        req.push(null);
        process.nextTick(() => handler(req, res)); // not from inside the parser's callback
        return false;
      }
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, encoding);
      size += buf.byteLength;
      if (size > limit) {
        fail(new AppError("payload_too_large", `The body may be at most ${limit} bytes`));
        return false;
      }
      held.push(buf);
      return true;
    };
  };
}

/**
 * Requests Node's HTTP parser refuses before any handler runs (a malformed head, a NUL or bare CR in
 * a header, a head over 16 KiB, a request not received within Node's requestTimeout) are answered in
 * the API's error shape too, instead of Node's bare 400 / 431 / 408, and the connection is closed.
 */
export function answerMalformedRequests(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, reason, code, message] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", "bad_request", "The request head (URL and headers) may be at most 16 KiB"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "Request Timeout", "request_timeout", "The request did not arrive in time"]
          : [400, "Bad Request", "bad_request", "The request is not valid HTTP"];
    const body = JSON.stringify({ error: { code, message } });
    const head = Object.entries({ ...REFUSAL_HEADERS, "content-length": Buffer.byteLength(body), connection: "close" }).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head.join("")}\r\n${body}`, () => socket.destroy());
  });
}
