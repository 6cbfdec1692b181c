/**
 * Login throttling. Failed sign-ins are counted per (client address, account) and per client address.
 * After a few failures each attempt is slowed; past the limit attempts are refused with 429 until the
 * window passes. Unknown accounts are counted exactly like known ones, so throttling reveals nothing.
 */
import { config } from "./config";
import { makeLimiter, type Limiter } from "./limiter";

const WINDOW_SECONDS = 15 * 60;
export const LOGIN_LIMITS = { perAccount: 10, perAddress: 100, slowAfter: 3 } as const;

interface Limiters {
  account: Limiter;
  address: Limiter;
}

// One set per process, shared by Next's bundles and server.ts; the counts live in Redis when there is one.
const holder = globalThis as unknown as { __parleyLoginLimiters?: Limiters };
function limiters(): Limiters {
  holder.__parleyLoginLimiters ??= {
    account: makeLimiter({ keyPrefix: "login_acct", points: LOGIN_LIMITS.perAccount, duration: WINDOW_SECONDS }),
    address: makeLimiter({ keyPrefix: "login_addr", points: LOGIN_LIMITS.perAddress, duration: WINDOW_SECONDS }),
  };
  return holder.__parleyLoginLimiters;
}

const accountKey = (login: string, address: string) => `${address}|${login.trim().toLowerCase()}`;

export interface LoginGate {
  /** seconds until attempts are accepted again; 0 when allowed */
  retryAfter: number;
  /** how long to hold this attempt before answering */
  delayMs: number;
}

export async function checkLogin(login: string, address: string): Promise<LoginGate> {
  if (!config.rateLimitsOn) return { retryAfter: 0, delayMs: 0 };
  const { account, address: addr } = limiters();
  const [a, b] = await Promise.all([account.get(accountKey(login, address)), addr.get(address)]);
  const blocked = [
    a && a.consumedPoints >= LOGIN_LIMITS.perAccount ? a : null,
    b && b.consumedPoints >= LOGIN_LIMITS.perAddress ? b : null,
  ].filter((r) => r !== null);
  if (blocked.length) {
    return { retryAfter: Math.ceil(Math.max(...blocked.map((r) => r.msBeforeNext)) / 1000), delayMs: 0 };
  }
  const failures = a?.consumedPoints ?? 0;
  return { retryAfter: 0, delayMs: failures < LOGIN_LIMITS.slowAfter ? 0 : Math.min(2000, (failures - LOGIN_LIMITS.slowAfter + 1) * 250) };
}

export async function recordLoginFailure(login: string, address: string): Promise<void> {
  if (!config.rateLimitsOn) return;
  const { account, address: addr } = limiters();
  // penalty() adds points without rejecting, whatever the count already is.
  await Promise.all([account.penalty(accountKey(login, address)), addr.penalty(address)]);
}

export async function recordLoginSuccess(login: string, address: string): Promise<void> {
  await limiters().account.delete(accountKey(login, address));
}
