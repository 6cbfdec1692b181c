/** Per-user send rate limit (sockets and REST alike, shared by all nodes): 30 messages per 10 seconds. */
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { config } from "./config";
import { AppError } from "./errors";
import { makeLimiter } from "./limiter";

export const SEND_LIMIT = { points: 30, seconds: 10 } as const;

const holder = globalThis as unknown as { __parleySendLimiter?: RateLimiterAbstract };

export async function consumeSend(userId: string): Promise<void> {
  if (!config.rateLimitsOn) return;
  holder.__parleySendLimiter ??= makeLimiter({ keyPrefix: "send", points: SEND_LIMIT.points, duration: SEND_LIMIT.seconds });
  try {
    await holder.__parleySendLimiter.consume(userId);
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    const retryAfter = Math.ceil(res.msBeforeNext / 1000);
    throw new AppError("rate_limited", `You are sending too fast. Try again in ${retryAfter} s.`, undefined, retryAfter);
  }
}
