/**
 * The hot reads (issue 15 item 6): the conversation list, a history page and the directory, each one
 * function of (the caller's live session, the path's id, the query) → the JSON answer. Each is served
 * two ways with the same answer:
 * - by its Next route handler (app/api/…/route.ts: `readRoute`, lib/http/route.ts), which is what `next dev`
 *   and a HEAD request get;
 * - by server.ts before Next (`serveRead`), for a GET whose path is exactly one of READS below. Next's request
 *   pipeline (routing, a Web Request and Response, its streams and async contexts) cost about 2.5 ms of CPU per
 *   request on these machines, more than the handler's own work for a page of history (docs/growth.md).
 * server.ts runs every check it runs for Next first (Host, method, path and query encoding, forwarding headers,
 * body limits), and the answer carries the same headers as Next's (API_HEADERS, next.config.mjs).
 */
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseCookies } from "cookie";
import { listConversations } from "../conversations/store";
import { readAround, readHistory } from "../messages/history";
import { historyQuerySchema } from "../messages/schemas";
import { lookupProfiles, searchDirectory } from "../people/directory";
import { directoryQuerySchema, profileLookupSchema } from "../people/schemas";
import { AppError, errorBody, signedOut, toAppError } from "../platform/errors";
import { parseInput } from "../platform/validation";
import type { LiveSession } from "../sessions/store";
import { authenticateCookies } from "./next-auth";
import { pathId, queryRecord } from "./params";

/** A read: the caller, the path's id (undefined for a path without one), the query → the JSON answer. Throws AppError. */
export type Read = (live: LiveSession, id: string | undefined, query: Record<string, string>) => Promise<unknown>;

/** GET /api/conversations: the caller's conversations, newest activity first → `{ conversations }`. */
export const conversationListRead: Read = async ({ user }) => ({ conversations: await listConversations({ userId: user.id }) });

/**
 * GET /api/conversations/:id/messages: history by seq, ascending: `before` / `after` / the newest page →
 * `{ messages, hasMore }`; `around=SEQ` → `{ messages, hasMoreBefore, hasMoreAfter }` (a page centred there,
 * DESIGN.md); `limit` 1..100 (default 50). 400 for `around` with `before` or `after`; 404 for a non-member.
 */
export const historyRead: Read = async ({ user }, rawId, params) => {
  const id = pathId(rawId ?? "");
  const { around, ...query } = parseInput(historyQuerySchema, params);
  if (around !== undefined) {
    if (query.before !== undefined || query.after !== undefined) throw new AppError("bad_request", "around cannot be combined with before or after");
    return readAround({ userId: user.id, conversationId: id, around, limit: query.limit });
  }
  return readHistory({ userId: user.id, conversationId: id, query });
};

/**
 * GET /api/users: the directory (`q` matches username or display name, in any case) → `{ users, nextCursor }`,
 * or with `ids=a,b,…` the public profiles of those users → `{ users }` (deleted accounts are absent).
 */
export const directoryRead: Read = async ({ user }, _id, params) => {
  if ("ids" in params) {
    const { ids } = parseInput(profileLookupSchema, params);
    return { users: await lookupProfiles({ userId: user.id, ids }) };
  }
  return searchDirectory({ ...parseInput(directoryQuerySchema, params), userId: user.id });
};

/** The paths served before Next, each with its read; the id is the path's one variable segment. */
const READS: { path: RegExp; read: Read }[] = [
  { path: /^\/api\/conversations$/, read: conversationListRead },
  { path: /^\/api\/conversations\/([^/]+)\/messages$/, read: historyRead },
  { path: /^\/api\/users$/, read: directoryRead },
];

/**
 * The headers Next gives an API answer of a route handler's `json()` (next.config.mjs `headers()` and
 * lib/http/route.ts `json`), in the order it sends them. tests/integration/direct-reads.test.ts holds
 * them against Next's own answer.
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
  Vary: "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch",
  "Cache-Control": "no-store",
  "Content-Type": "application/json",
};

function send(res: ServerResponse, status: number, data: unknown, extra?: Record<string, string>): void {
  const body = JSON.stringify(data);
  res.writeHead(status, { ...API_HEADERS, ...extra, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** The read a request is for, with its path's id: GET only (HEAD and the other methods are Next's). */
function readFor(req: IncomingMessage): { read: Read; id: string | undefined; search: string } | null {
  if (req.method !== "GET") return null;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  if (!pathname.startsWith("/api/")) return null;
  for (const { path, read } of READS) {
    const match = path.exec(pathname);
    if (match) return { read, id: match[1], search: q < 0 ? "" : url.slice(q) };
  }
  return null;
}

/**
 * A path segment decoded, as Next hands it to a route handler. server.ts refuses a path that does not decode
 * (isDecodablePath) before this runs; should one get here anyway, it is kept as sent, which no read takes for
 * an id (404), rather than thrown from the request listener.
 */
function pathSegment(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Answers `req` when it is a GET of one of the hot reads and returns true; false leaves it to Next.
 * The answer is the route handler's: 401 without a live session, the read's AppError in the error shape
 * (with Retry-After when rate-limited), 500 `internal` for anything else (logged).
 */
export function serveRead(req: IncomingMessage, res: ServerResponse): boolean {
  const target = readFor(req);
  if (!target) return false;
  void (async () => {
    try {
      const live = await authenticateCookies(parseCookies(req.headers.cookie ?? ""));
      if (!live) throw signedOut();
      send(res, 200, await target.read(live, pathSegment(target.id), queryRecord(new URLSearchParams(target.search))));
    } catch (err) {
      const e = toAppError(err);
      send(res, e.status, errorBody(e), e.retryAfter !== undefined ? { "Retry-After": String(e.retryAfter) } : undefined);
    }
  })().catch(() => res.destroy()); // the answer could not be written at all
  return true;
}
