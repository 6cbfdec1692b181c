/** Typed errors: domain code throws them; every transport maps them the same way. */
import { log } from "./log";

export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "request_timeout"
  | "rate_limited"
  | "unavailable"
  | "internal";

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  request_timeout: 408,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export type FieldErrors = Record<string, string>;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: FieldErrors; retryAfter?: number };
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    /** seconds, for rate_limited */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

// Network failures (node), postgres.js connection states, and SQLSTATEs that mean "the server is
// going away or not accepting connections" (class 08, admin/crash shutdown, cannot connect now).
const CONNECTION_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** Whether `err` (or what it wraps) says the database connection failed or is gone (SQLSTATE class 08, or a driver code). */
export function isConnectionError(err: unknown): boolean {
  // Drizzle wraps driver errors in DrizzleQueryError with the original as `cause`.
  for (let e = err as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === "string" ? e.code : "";
    if (CONNECTION_ERRORS.has(code) || code.startsWith("08")) return true;
  }
  return false;
}

/** Any thrown value as an AppError; unexpected ones are logged once here and hidden from clients. */
/** The one "no live session" refusal (401): signed out, or the account is gone under the request. */
export const signedOut = (): AppError => new AppError("unauthorized", "Sign in to continue");

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // server.ts (tsx) and Next's bundles each load their own copy of this module, so an AppError
  // thrown by one copy is not an instance of the other's class: recognise it by shape.
  const e = err as Partial<AppError> | null;
  if (e?.name === "AppError" && typeof e.code === "string" && e.code in STATUS_BY_CODE) {
    return new AppError(e.code, e.message ?? "", e.fields, e.retryAfter);
  }
  // Text PostgreSQL cannot store (a NUL, an invalid byte sequence) is the client's fault.
  const sqlState = (err as { code?: unknown; cause?: { code?: unknown } } | null)?.cause?.code ?? (err as { code?: unknown } | null)?.code;
  if (sqlState === "22021" || sqlState === "22P05") return new AppError("bad_request", "The text contains characters that cannot be stored");
  if (isConnectionError(err)) {
    log.error("db", "unavailable:", (err as Error).message);
    return new AppError("unavailable", "The service is temporarily unavailable. Try again shortly.");
  }
  log.error("error", err);
  return new AppError("internal", "Something went wrong on our side.");
}

export function errorBody(err: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.fields) body.error.fields = err.fields;
  if (err.retryAfter !== undefined) body.error.retryAfter = err.retryAfter;
  return body;
}
