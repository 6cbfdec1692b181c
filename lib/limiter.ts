import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { config } from "./config";
import { AppError } from "./errors";
import { getRedis, redisPrefix } from "./redis";

export type Limiter = Pick<RateLimiterAbstract, "consume" | "get" | "penalty" | "reward" | "delete">;

/** How long a limiter waits for Redis before this process's own counters decide. */
const STORE_TIMEOUT_MS = 500;
const late = Symbol("late");

/**
 * A rate limiter whose counters every node shares through Redis when there is one, else kept in
 * memory. This process's memory stands in while Redis is unreachable, and also when Redis stops
 * answering without closing the connection (a network partition), which would otherwise hold every
 * limited request until the connection died.
 */
export function makeLimiter(opts: { keyPrefix: string; points: number; duration: number }): Limiter {
  const memory = new RateLimiterMemory(opts);
  const redis = getRedis();
  if (!redis) return memory;
  const shared = new RateLimiterRedis({
    ...opts,
    keyPrefix: `${redisPrefix()}${opts.keyPrefix}`,
    storeClient: redis,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
  async function either<T>(viaRedis: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), STORE_TIMEOUT_MS)));
    try {
      const answer = await Promise.race([viaRedis(), deadline]);
      return answer === late ? await viaMemory() : answer;
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    consume: (key, points, options) => either(() => shared.consume(key, points, options), () => memory.consume(key, points, options)),
    get: (key, options) => either(() => shared.get(key, options), () => memory.get(key, options)),
    penalty: (key, points, options) => either(() => shared.penalty(key, points, options), () => memory.penalty(key, points, options)),
    reward: (key, points, options) => either(() => shared.reward(key, points, options), () => memory.reward(key, points, options)),
    delete: (key, options) => either(() => shared.delete(key, options), () => memory.delete(key, options)),
  };
}

/**
 * A named limit: the returned function counts one event for `key` and throws `rate_limited`
 * (with the wait in seconds) once more than `points` happen within `duration` seconds.
 */
export function makeGate(opts: { keyPrefix: string; points: number; duration: number; message: string }): (key: string) => Promise<void> {
  let limiter: Limiter | undefined;
  return async (key) => {
    if (!config.rateLimitsOn) return;
    limiter ??= makeLimiter(opts);
    try {
      await limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError("rate_limited", `${opts.message} Try again in ${retryAfter} s.`, undefined, retryAfter);
    }
  };
}

// Gates live on globalThis: Next's bundles and server.ts must count in the same place.
const gates = globalThis as unknown as { __parleyGates?: Record<string, (key: string) => Promise<void>> };
gates.__parleyGates ??= {
  send: makeGate({ keyPrefix: "send", points: 30, duration: 10, message: "You are sending too fast." }),
  register: makeGate({ keyPrefix: "register", points: 20, duration: 3600, message: "Too many accounts created from your address." }),
  search: makeGate({ keyPrefix: "search", points: 120, duration: 60, message: "Too many searches." }),
};

/** Per user: 30 messages per 10 s (sockets and REST together). */
export const consumeSend = (userId: string) => gates.__parleyGates!.send(userId);
/** Per client address: 20 registrations per hour. */
export const consumeRegistration = (address: string) => gates.__parleyGates!.register(address);
/** Per user: 120 directory searches per minute. */
export const consumeSearch = (userId: string) => gates.__parleyGates!.search(userId);
