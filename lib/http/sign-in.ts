/**
 * The credentials sign-in (POST /api/auth/callback/credentials) in front of next-auth: the body is
 * read once, the login throttle reserves an attempt for exactly the login in it, and next-auth is
 * handed a new request whose body is those same fields, so what is throttled is what authorize()
 * verifies (OWASP Authentication cheat sheet: throttling that cannot be sidestepped by the encoding).
 */
import "server-only";
import { NextRequest } from "next/server";
import { clientAddress } from "./client-address";
import { AppError, errorBody, toAppError } from "../platform/errors";
import { errorResponse, json, mediaTypeEssence, parseJson, readText } from "./route";
import { parseForm } from "../platform/text-decoding";
import { appOrigin } from "./origin";
import { reserveLoginAttempt, runLoginAttempt, settleLoginAttempt } from "../accounts/login-throttle";
import { loginSchema } from "../accounts/schemas";
import { parseInput } from "../platform/validation";

/** A sign-in form is a few short fields: bigger bodies are refused (413) before they are parsed. */
export const LOGIN_BODY_LIMIT = 4 * 1024;

/** The fields next-auth's credentials callback and its client use; anything else is dropped. */
const FORWARDED_FIELDS = ["login", "password", "csrfToken", "callbackUrl", "json", "redirect"] as const;

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
type Fields = Partial<Record<(typeof FORWARDED_FIELDS)[number], string>>;

const invalid = () => new AppError("bad_request", "Some fields are invalid");

function fromForm(text: string): Fields {
  const params = parseForm(text);
  const fields: Fields = {};
  for (const name of FORWARDED_FIELDS) {
    const values = params.getAll(name);
    if (values.length > 1) throw invalid(); // ambiguous: which one would be verified?
    if (values.length === 1) fields[name] = values[0];
  }
  return fields;
}

function fromJson(text: string): Fields {
  const body = parseJson(text);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError("bad_request", "The body must be a JSON object");
  const fields: Fields = {};
  for (const name of FORWARDED_FIELDS) {
    if (!Object.hasOwn(body, name)) continue;
    const value = (body as Record<string, unknown>)[name];
    if (typeof value === "string") fields[name] = value;
    else if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) fields[name] = String(value);
    else throw invalid();
  }
  return fields;
}

/**
 * The sign-in fields of a request, read once (at most LOGIN_BODY_LIMIT bytes, with or without
 * Content-Length): only `application/x-www-form-urlencoded` or `application/json` by their essence,
 * whatever the parameters say. Throws 400 `bad_request` (other media types, malformed or duplicated
 * fields) or 413 `payload_too_large`.
 */
export async function readSignInFields(req: Request): Promise<Fields> {
  const type = mediaTypeEssence(req.headers.get("content-type"));
  if (type !== FORM && type !== JSON_TYPE) {
    throw new AppError("bad_request", "Send the sign-in as application/x-www-form-urlencoded or application/json");
  }
  const text = await readText(req, LOGIN_BODY_LIMIT);
  return type === FORM ? fromForm(text) : fromJson(text);
}

/** The documented error shape, plus the `url` that next-auth's client signIn() reads its error from. */
function signInError(req: Request, err: AppError): Response {
  const url = `${appOrigin(req.headers) ?? new URL(req.url).origin}/login?error=${err.code}`;
  const res = json({ ...errorBody(err), url }, err.status);
  if (err.retryAfter !== undefined) res.headers.set("Retry-After", String(err.retryAfter));
  return res;
}

function tooMany(retryAfter: number): AppError {
  const minutes = Math.ceil(retryAfter / 60);
  return new AppError("rate_limited", `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, undefined, retryAfter);
}

type RouteContext = { params: Promise<{ nextauth: string[] }> };

/**
 * A credentials sign-in: parse the body once, validate, reserve an attempt in the login throttle
 * (429 with Retry-After when spent), hold it back when the account has failed often, then let
 * next-auth verify exactly the parsed fields (re-encoded as a form) and settle the attempt by its
 * outcome. An unknown account and a wrong password both answer 401 "Wrong username, email or
 * password"; refusals carry the error shape plus next-auth's `url`.
 */
export async function signInWithCredentials(req: NextRequest, ctx: RouteContext, nextAuth: (req: NextRequest, ctx: RouteContext) => Promise<Response>): Promise<Response> {
  try {
    const fields = await readSignInFields(req);
    const { login } = parseInput(loginSchema, { login: fields.login, password: fields.password });
    const reservation = await reserveLoginAttempt(login, clientAddress(req.headers));
    if (!reservation.ok) return signInError(req, tooMany(reservation.retryAfter));
    const { attempt, delayMs } = reservation;
    let res: Response;
    try {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      // next-auth reads cookies and headers from next/headers, and the body from this request only.
      const verified = new NextRequest(req.url, { method: "POST", headers: { "content-type": FORM }, body: new URLSearchParams(fields as Record<string, string>).toString() });
      res = await runLoginAttempt(attempt, () => nextAuth(verified, ctx));
    } finally {
      await settleLoginAttempt(attempt);
    }
    // Same answer for an unknown account and a wrong password.
    if (res.status === 401) return signInError(req, new AppError("unauthorized", "Wrong username, email or password"));
    return res;
  } catch (err) {
    const e = toAppError(err);
    return e.status < 500 ? signInError(req, e) : errorResponse(e);
  }
}
