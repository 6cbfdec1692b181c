/**
 * The guard in front of next-auth (app/api/auth/[...nextauth]/route.ts calls it first): only the
 * endpoints Parley uses get through, and only with input next-auth handles safely. next-auth v4
 * answers other actions with text/plain 400s, some hostile input with a 500 (an `error` or
 * `callbackUrl` with CR/LF ends up in a Location header, which the runtime refuses to build), and
 * takes any `_log` post into the server log. Everything refused here gets the API's error shape.
 */
import "server-only";
import { AppError } from "../platform/errors";
import { MAX_AUTH_BODY_BYTES } from "./body-limit";
import { errorResponse, mediaTypeEssence, parseJson, readText } from "./route";
import { parseForm } from "../platform/text-decoding";

/** `<action>[/<provider>]` → the methods Parley uses it with. */
export const AUTH_ENDPOINTS: Record<string, ReadonlyArray<"GET" | "POST">> = {
  csrf: ["GET"], // the double-submit token the sign-in and sign-out forms post back
  session: ["GET"],
  providers: ["GET"],
  signin: ["GET"], // next-auth's redirects after a failed CSRF check land here, then on /login
  signout: ["POST"], // the sign-out button (components/shell/SignOutButton.tsx)
  "callback/credentials": ["POST"], // the sign-in form (components/auth/LoginForm.tsx)
  error: ["GET"], // next-auth sends its own failures here, then on to /login?error=
};

const URL_MAX = 2048;
const ERROR_CODE = /^[A-Za-z0-9_-]{1,64}$/;
/** Printable ASCII: anything else in a URL next-auth puts in a Location header breaks or forges it. */
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const COOKIE_VALUE_MAX = 4096;
const JWE = /^[A-Za-z0-9._~-]*$/;
const COOKIE_NAME_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 6265 §4.1.1 (RFC 9110 token)

/**
 * Whether `value` is a callback URL next-auth can use as is: a path on this site (`/…`, not `//…`)
 * or an absolute http(s) URL, printable ASCII only, at most 2048 characters. next-auth itself then
 * replaces another site's URL by its own origin (its default `redirect` callback).
 */
export function isSafeCallbackUrl(value: string): boolean {
  if (value.length === 0 || value.length > URL_MAX || !PRINTABLE_ASCII.test(value)) return false;
  if (value.startsWith("/")) return !value.startsWith("//") && !value.startsWith("/\\");
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Cookie pairs exactly as Next's `cookies()` (which next-auth reads) splits them; undecodable values are null. */
function cookiePairs(header: string): Array<[string, string | null]> {
  const pairs: Array<[string, string | null]> = [];
  for (const pair of header.split(/; */)) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    let value: string | null = eq === -1 ? "true" : null;
    if (eq !== -1) {
      try {
        value = decodeURIComponent(pair.slice(eq + 1));
      } catch {
        value = null;
      }
    }
    pairs.push([name, value]);
  }
  return pairs;
}

const PREFIXES = ["", "__Secure-", "__Host-"];
/** Which of next-auth's cookies `name` is; null when it is none of next-auth's (other apps' cookies pass). */
function nextAuthCookieKind(name: string): "session" | "callback" | "other" | "unknown" | null {
  const bare = name.replace(/^[\s\u0000-\u001f\u007f]+/, ""); // what a looser cookie parser would trim
  for (const prefix of PREFIXES) {
    if (!bare.startsWith(`${prefix}next-auth.`)) continue;
    if (bare !== name) return "unknown";
    const rest = name.slice(prefix.length + "next-auth.".length);
    if (/^session-token(\.\d{1,2})?$/.test(rest)) return "session";
    if (rest === "callback-url") return "callback";
    if (/^(csrf-token|pkce\.code_verifier|state|nonce)$/.test(rest)) return "other";
    return "unknown";
  }
  return null;
}

/**
 * The names of next-auth cookies in a Cookie header that next-auth must not see: an unknown name
 * in its namespace (a session-token "chunk" other than `.0`–`.99`, a name with spaces or controls),
 * a value that does not decode, is over 4096 characters or holds anything but printable ASCII, a
 * session token that is not JWE characters, a callback URL that `isSafeCallbackUrl` refuses.
 */
export function hostileAuthCookies(header: string): string[] {
  const hostile: string[] = [];
  for (const [name, value] of cookiePairs(header)) {
    const kind = nextAuthCookieKind(name);
    if (kind === null) continue;
    const ok =
      kind !== "unknown" &&
      value !== null &&
      value.length <= COOKIE_VALUE_MAX &&
      PRINTABLE_ASCII.test(value) &&
      (kind !== "session" || JWE.test(value)) &&
      (kind !== "callback" || isSafeCallbackUrl(value));
    if (!ok) hostile.push(name);
  }
  return hostile;
}

/** A Set-Cookie that removes `name`, when the name can be a cookie name at all. */
function expireCookie(name: string): string | null {
  if (!COOKIE_NAME_TOKEN.test(name)) return null;
  const secure = name.startsWith("__Secure-") || name.startsWith("__Host-") ? "; Secure" : "";
  return `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax${secure}`;
}

function refuse(err: AppError, headers: Record<string, string> = {}, expire: string[] = []): Response {
  const res = errorResponse(err);
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  for (const name of expire) {
    const line = expireCookie(name);
    if (line) res.headers.append("set-cookie", line);
  }
  return res;
}

/**
 * The fields of a POST body, read by its media type's essence like the credentials sign-in
 * (lib/http/sign-in.ts): only a form or JSON. next-auth's own reader (getBody) looks for "application/json"
 * anywhere in the header, so for the endpoints it reads itself (`signout`), a type whose essence and
 * parameters disagree would be read two ways: it is refused, so what is checked here is what
 * next-auth acts on. The credentials sign-in hands next-auth a re-encoded form, so it needs no such rule.
 */
async function authBody(req: Request, endpoint: string): Promise<Record<string, unknown>> {
  const header = req.headers.get("content-type") ?? "";
  const essence = mediaTypeEssence(header);
  if (essence !== "application/json" && essence !== "application/x-www-form-urlencoded") {
    throw new AppError("bad_request", "Send a form (application/x-www-form-urlencoded) or JSON body");
  }
  if (endpoint !== "callback/credentials") {
    // what next-auth's getBody will take it for (it matches these strings as written, case and all)
    const nextAuthReads = header.includes("application/json") ? "application/json" : header.includes("application/x-www-form-urlencoded") ? "application/x-www-form-urlencoded" : null;
    if (nextAuthReads !== essence) throw new AppError("bad_request", "Send Content-Type: application/x-www-form-urlencoded or application/json, as written");
  }
  const text = await readText(req.clone(), MAX_AUTH_BODY_BYTES);
  if (essence === "application/x-www-form-urlencoded") return Object.fromEntries(parseForm(text));
  const parsed = parseJson(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new AppError("bad_request", "The body must be a JSON object");
  return parsed as Record<string, unknown>;
}

/**
 * Checks a request to `/api/auth/<segments>` before next-auth sees it and returns the refusal, or
 * null to let it through. 404 `not_found` for an endpoint Parley does not use (`_log`,
 * `verify-request`, other providers, extra segments); 405 `method_not_allowed` with `Allow` for a
 * used one with another method (RFC 9110 §15.5.6); 400 `bad_request` for a hostile `callbackUrl`
 * or `error` (query or body) or next-auth cookie (those cookies are also expired, so the browser
 * recovers); 413 `payload_too_large` for a body over 4 KiB.
 */
export async function refuseAuthRequest(req: Request, segments: string[] | undefined): Promise<Response | null> {
  // A segment holding "/" came from %2F: it would look like two segments once joined, and the route
  // would not recognise the sign-in it names (it compares segments), so it reached next-auth unthrottled.
  const endpoint = (segments ?? []).some((s) => s.includes("/")) ? "" : (segments ?? []).join("/");
  const methods = Object.hasOwn(AUTH_ENDPOINTS, endpoint) ? AUTH_ENDPOINTS[endpoint] : undefined;
  if (!methods) return refuse(new AppError("not_found", "There is no such authentication endpoint"));
  // HEAD too: next-auth answers it with a text/plain 400, and nothing of Parley's sends it.
  const method = req.method;
  if (!methods.includes(method as "GET" | "POST")) {
    return refuse(new AppError("method_not_allowed", `Use ${methods.join(" or ")} here`), { allow: methods.join(", ") });
  }

  const hostile = hostileAuthCookies(req.headers.get("cookie") ?? "");
  if (hostile.length) return refuse(new AppError("bad_request", "A sign-in cookie is malformed; it has been cleared"), {}, hostile);

  const query = new URL(req.url).searchParams;
  if (query.getAll("callbackUrl").some((v) => !isSafeCallbackUrl(v))) return refuse(new AppError("bad_request", "callbackUrl must be a path or an http(s) URL"));
  if (query.getAll("error").some((v) => !ERROR_CODE.test(v))) return refuse(new AppError("bad_request", "error must be an error code"));

  if (method === "POST") {
    try {
      const body = await authBody(req, endpoint);
      const callbackUrl = body.callbackUrl;
      if (callbackUrl !== undefined && (typeof callbackUrl !== "string" || !isSafeCallbackUrl(callbackUrl))) {
        return refuse(new AppError("bad_request", "callbackUrl must be a path or an http(s) URL"));
      }
    } catch (err) {
      return errorResponse(err);
    }
  }
  return null;
}

/** For the methods Parley's auth route does not export: 405 in the error shape instead of Next's bare 405. */
export async function refuseOtherMethod(req: Request, ctx: { params: Promise<{ nextauth?: string[] }> }): Promise<Response> {
  return (await refuseAuthRequest(req, (await ctx.params).nextauth)) ?? refuse(new AppError("method_not_allowed", "Use GET or POST here"), { allow: "GET, POST" });
}
