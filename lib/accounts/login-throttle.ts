/**
 * Login throttling (OWASP Authentication cheat sheet, "Protect against automated attacks"). Sign-in
 * attempts are counted per (client address, account) and per client address. The account is the user
 * a login names, by username or email in any letter case, so every name of one account shares one
 * count; a login naming no account is counted under the login itself, exactly like a real one, so
 * throttling reveals nothing about which accounts exist.
 *
 * An attempt is reserved (an atomic consume) before its password is verified, so a parallel burst is
 * counted as it arrives: of 40 attempts sent at once, only the first 10 reach argon2. A failed
 * attempt keeps its point; a successful one clears the account's count and gives its address point
 * back (so signing in often from one address costs nothing); an attempt that was never verified
 * gives both back.
 */
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { RateLimiterRes } from "rate-limiter-flexible";
import { findAccountIdByLogin } from "./credentials";
import { env } from "../platform/env";
import { makeLimiter, type Limiter } from "../platform/rate-limit";
import { singleton } from "../platform/singleton";

const WINDOW_SECONDS = 15 * 60;
/** Failures allowed per (address, account) and per address within 15 minutes; slowed after `slowAfter`. */
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 100, slowAfter: 3 } as const;
const DELAY_STEP_MS = 250;
const MAX_DELAY_MS = 2000;

interface Limiters {
  account: Limiter;
  address: Limiter;
}

// One set per process, shared by Next's bundles and server.ts; the counts live in Redis when there is one.
function limiters(): Limiters {
  return singleton("login.limiters", () => ({
    account: makeLimiter({ keyPrefix: "login_acct", points: LOGIN_LIMITS.perAccount, duration: WINDOW_SECONDS }),
    address: makeLimiter({ keyPrefix: "login_addr", points: LOGIN_LIMITS.perAddress, duration: WINDOW_SECONDS }),
  }));
}
function attempts(): AsyncLocalStorage<LoginAttempt> {
  return singleton("login.attempts", () => new AsyncLocalStorage<LoginAttempt>());
}

/** A sign-in attempt that holds a reserved point, from reservation to settlement. */
export interface LoginAttempt {
  /** the login as verified: trimmed and lowercase (what loginSchema produces) */
  readonly login: string;
  /** the account the login named when the attempt was reserved; null when it named none */
  readonly accountId: string | null;
  readonly address: string;
  /** set by the verifier (authorize): left unset when the password was never verified */
  outcome?: "success" | "failure";
}

export type LoginReservation =
  | { ok: true; attempt: LoginAttempt; /** how long to hold the attempt before verifying it */ delayMs: number }
  | { ok: false; /** seconds until attempts are accepted again */ retryAfter: number };

const accountKey = (a: LoginAttempt) => `${a.address}|${a.accountId ? `user:${a.accountId}` : `name:${a.login}`}`;

/** Held back 250 ms more for each failure past the third, at most 2 s. */
function delayAfter(failuresBefore: number): number {
  return failuresBefore < LOGIN_LIMITS.slowAfter ? 0 : Math.min(MAX_DELAY_MS, (failuresBefore - LOGIN_LIMITS.slowAfter + 1) * DELAY_STEP_MS);
}

/**
 * Reserves one attempt for `login` (already normalised by loginSchema) from `address`: resolves the
 * account, then consumes a point on both counters at once. Refused (`ok: false`, with the wait in
 * seconds) when either counter is spent, and then nothing stays reserved on the other.
 * With RATE_LIMITS=off every attempt is allowed at once.
 */
export async function reserveLoginAttempt(login: string, address: string): Promise<LoginReservation> {
  const attempt: LoginAttempt = { login, accountId: await findAccountIdByLogin(login), address };
  if (!env().rateLimitsOn) return { ok: true, attempt, delayMs: 0 };
  const { account, address: perAddress } = limiters();
  const [a, b] = await Promise.allSettled([account.consume(accountKey(attempt)), perAddress.consume(address)]);
  if (a.status === "fulfilled" && b.status === "fulfilled") {
    return { ok: true, attempt, delayMs: delayAfter(a.value.consumedPoints - 1) };
  }
  for (const r of [a, b]) {
    if (r.status === "rejected" && !(r.reason instanceof RateLimiterRes)) throw r.reason;
  }
  // Give back what this refused attempt took from the counter that still had room.
  if (a.status === "fulfilled") await account.reward(accountKey(attempt));
  if (b.status === "fulfilled") await perAddress.reward(address);
  const waits = [a, b].flatMap((r) => (r.status === "rejected" ? [(r.reason as RateLimiterRes).msBeforeNext] : []));
  return { ok: false, retryAfter: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
}

/**
 * Runs `fn` (next-auth's handler) with `attempt` as the current attempt, which the credentials
 * verifier reads through currentLoginAttempt().
 */
export function runLoginAttempt<T>(attempt: LoginAttempt, fn: () => Promise<T>): Promise<T> {
  return attempts().run(attempt, fn);
}

/** The attempt reserved for this sign-in, or undefined outside runLoginAttempt (then nothing may be verified). */
export function currentLoginAttempt(): LoginAttempt | undefined {
  return attempts().getStore();
}

/**
 * Settles a reserved attempt by its outcome: a failure keeps its points; a success clears the
 * account's count and gives the address point back; an attempt never verified gives both back.
 */
export async function settleLoginAttempt(attempt: LoginAttempt): Promise<void> {
  if (!env().rateLimitsOn || attempt.outcome === "failure") return;
  const { account, address } = limiters();
  await Promise.all([
    attempt.outcome === "success" ? account.delete(accountKey(attempt)) : account.reward(accountKey(attempt)),
    address.reward(attempt.address),
  ]);
}
