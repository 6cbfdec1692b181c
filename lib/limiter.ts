import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { getRedis, redisPrefix } from "./redis";

/**
 * A rate limiter whose counters every node shares through Redis when there is one (falling back to
 * this process's memory while Redis is unreachable), else kept in memory.
 */
export function makeLimiter(opts: { keyPrefix: string; points: number; duration: number }): RateLimiterAbstract {
  const redis = getRedis();
  if (!redis) return new RateLimiterMemory(opts);
  return new RateLimiterRedis({
    ...opts,
    keyPrefix: `${redisPrefix()}${opts.keyPrefix}`,
    storeClient: redis,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(opts),
  });
}
