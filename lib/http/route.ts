/** Route-handler plumbing: JSON bodies with limits, the error shape, authentication, origin checks. */
import "server-only";
import { parse as parseCookies } from "cookie";
import { NextResponse } from "next/server";
import { authenticateCookies } from "./next-auth";
import { MAX_JSON_BYTES } from "./body-limit";
import { AppError, errorBody, signedOut, toAppError } from "../platform/errors";
import { decodeUtf8 } from "../platform/text-decoding";
import { isCrossOrigin } from "./origin";
import type { LiveSession } from "../sessions/store";
import { queryOf } from "./params";
import type { Read } from "./reads";

export { MAX_JSON_BYTES };

export function json<T>(data: T, status = 200): NextResponse {
  return NextResponse.json(data, { status, headers: { "Cache-Control": "no-store" } });
}

export function errorResponse(err: unknown): NextResponse {
  const e = toAppError(err);
  const res = json(errorBody(e), e.status);
  if (e.retryAfter !== undefined) res.headers.set("Retry-After", String(e.retryAfter));
  return res;
}

/** Reads a body as text, refusing bodies over `limit` bytes without buffering them whole. */
export async function readText(req: Request, limit = MAX_JSON_BYTES): Promise<string> {
  const tooLarge = () => new AppError("payload_too_large", `The body may be at most ${limit} bytes`);
  if (Number(req.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Not awaited: when `req` is a clone (a tee), cancelling one branch settles only once the
        // other is cancelled or read too, which nobody does: awaiting it hung the request forever.
        reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return decodeUtf8(Buffer.concat(chunks), "The body");
}

const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_TYPE = new RegExp(`^[ \\t]*(${TOKEN}/${TOKEN})[ \\t]*(?:;|$)`, "i");

/**
 * The media type's essence (type/subtype, lowercase) of a Content-Type header, or null when the
 * header is absent or not a media type (RFC 9110 §8.3: parameters follow `;`, never `,`).
 */
export function mediaTypeEssence(contentType: string | null): string | null {
  const match = contentType === null ? null : MEDIA_TYPE.exec(contentType);
  return match ? match[1].toLowerCase() : null;
}

/** Whether the request's media type is exactly application/json (any parameters). */
export function isJson(req: Request): boolean {
  return mediaTypeEssence(req.headers.get("content-type")) === "application/json";
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON");
  }
}

/** Reads a JSON body (at most `limit` bytes). */
export async function readJson(req: Request, limit = MAX_JSON_BYTES): Promise<unknown> {
  if (!isJson(req)) throw new AppError("bad_request", "Send a JSON body with Content-Type: application/json");
  return parseJson(await readText(req, limit));
}

/**
 * Refuses a state-changing request (any method but GET, HEAD, OPTIONS) sent by a page of another
 * origin, by its Origin header against the app's own origin (`isCrossOrigin`, lib/http/origin.ts): a CSRF
 * defence next to SameSite cookies, which do not stop a sibling subdomain (same site). Throws
 * AppError "forbidden" (403). server.ts refuses these before Next runs; this keeps every route
 * handler safe on its own.
 */
export function assertSameOrigin(req: Request): void {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return;
  if (isCrossOrigin(req.headers)) throw new AppError("forbidden", "Cross-origin request refused");
}

export async function authenticate(req: Request): Promise<LiveSession | null> {
  return authenticateCookies(parseCookies(req.headers.get("cookie") ?? ""));
}

export async function requireAuth(req: Request): Promise<LiveSession> {
  const live = await authenticate(req);
  if (!live) throw signedOut();
  return live;
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;

/** Wraps a handler: origin check, and every thrown error mapped to the documented error shape. */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      assertSameOrigin(req);
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/**
 * A route handler for one of lib/http/reads.ts's reads: the session (401 without one), then the read of the
 * path's `id` (when the route has one) and the query, answered with `json`. server.ts answers the same
 * GETs before Next (`serveRead`); this is what `next dev` and HEAD requests get.
 */
export function readRoute(read: Read): Handler<{ params?: Promise<{ id?: string }> }> {
  return route(async (req, ctx) => {
    const live = await requireAuth(req);
    return json(await read(live, (await ctx?.params)?.id, queryOf(req)));
  });
}

const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/**
 * The handler for the methods a route does not serve: 405 `method_not_allowed` in the error shape,
 * with `Allow` naming the ones it does (RFC 9110 §15.5.6; HEAD and OPTIONS come with GET from Next).
 * Next alone answers these with an empty 405. A route exports it under every other name:
 * `const other = otherMethods("GET", "POST"); export { other as PUT, other as PATCH, other as DELETE };`
 */
export function otherMethods(...allowed: (typeof ROUTE_METHODS)[number][]): (req: Request) => Promise<Response> {
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  return async () => {
    const res = errorResponse(new AppError("method_not_allowed", `Use ${allowed.join(" or ")} here`));
    res.headers.set("Allow", allow);
    return res;
  };
}
