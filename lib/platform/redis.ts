/**
 * Redis, when REDIS_URL is set: the Socket.IO adapter's pub/sub, shared rate-limit counters and
 * cross-node presence. One command client per process (a singleton, shared by Next's bundles and
 * server.ts); the adapter's subscriber is a duplicate of it.
 */
import "server-only";
import { createClient } from "redis";
import { env } from "./env";
import { setSingleton, singleton } from "./singleton";

function makeClient(url: string) {
  return createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(retries * 200, 3000) } });
}
export type RedisClient = ReturnType<typeof makeClient>;


/** REDIS_PREFIX: the prefix of every Redis key and channel. */
export const redisPrefix = (): string => env().redisPrefix;

/** The shared client, or undefined in single-process mode. */
export function getRedis(): RedisClient | undefined {
  return singleton<RedisClient | undefined>("redis", () => undefined); // set by connectRedis
}

/** "up" or "down" when this process uses Redis, else undefined. */
export function redisState(): "up" | "down" | undefined {
  const client = getRedis();
  return client && (client.isReady ? "up" : "down");
}

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = makeClient(url);
  let lastLogged = 0;
  client.on("error", (err: Error) => {
    // node-redis reconnects by itself; say so at most every 10 s rather than on every attempt.
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now();
      console.error(`[redis] ${err.message}; serving local clients and retrying`);
    }
  });
  await client.connect();
  setSingleton("redis", client);
  return client;
}

/**
 * The client as the Socket.IO adapter should see it: the adapter publishes without waiting for the
 * answer, so a publish that fails because Redis went away would be an unhandled rejection. Those are
 * dropped here; the nodes' clients are told to sync when Redis is back (see server.ts).
 */
export function forgivingPublisher(client: RedisClient): RedisClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "publish") return (...args: Parameters<RedisClient["publish"]>) => target.publish(...args).catch(() => 0);
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export async function closeRedis(): Promise<void> {
  const client = getRedis();
  setSingleton("redis", undefined);
  await client?.quit().catch(() => {});
}
