/**
 * Presence: a user is online while at least one of their sockets is connected, on any node.
 *
 * Each process counts its own sockets. With Redis, each node also records, per online user, a
 * field `<nodeId>` = expiry time in the hash `presence:<userId>` and the pair in the sorted set
 * `presence:expiry`; it refreshes them every 10 s. A node that dies stops refreshing: within 30 s
 * any surviving node's sweeper claims the expired entries (ZREM decides who), and announces
 * "offline" for users left with no live node.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { env } from "../platform/env";
import { getRedis, redisPrefix } from "../platform/redis";
import { singleton } from "../platform/singleton";

/** How often, in ms, this node refreshes its presence entries (PRESENCE_REFRESH_MS, default 10 s). */
export const presenceRefreshMs = (): number => env().presenceRefreshMs;
interface PresenceState {
  nodeId: string;
  counts: Map<string, number>;
}
// One count per process, whichever module graph connects or asks.
const state = singleton<PresenceState>("presence", () => ({ nodeId: randomUUID(), counts: new Map() }));

const hashKey = (userId: string) => `${redisPrefix()}presence:${userId}`;
const expiryKey = () => `${redisPrefix()}presence:expiry`;

async function markLive(userIds: string[]): Promise<void> {
  const redis = getRedis();
  if (!redis?.isReady || userIds.length === 0) return;
  const expiry = Date.now() + env().presenceTtlMs;
  const multi = redis.multi();
  for (const id of userIds) {
    multi.hSet(hashKey(id), state.nodeId, String(expiry));
    multi.zAdd(expiryKey(), { score: expiry, value: `${id}|${state.nodeId}` });
  }
  await multi.exec();
}

async function liveElsewhere(userId: string): Promise<boolean> {
  const redis = getRedis();
  if (!redis?.isReady) return false;
  const fields = await redis.hGetAll(hashKey(userId));
  const now = Date.now();
  return Object.entries(fields).some(([node, expiry]) => node !== state.nodeId && Number(expiry) > now);
}

/** Counts a new socket; true when the user just came online (on this node). */
export async function socketConnected(userId: string): Promise<boolean> {
  const n = (state.counts.get(userId) ?? 0) + 1;
  state.counts.set(userId, n);
  if (n === 1) await markLive([userId]).catch(() => {});
  return n === 1;
}

/** Counts a closed socket; true when the user has no socket left on any node. */
export async function socketDisconnected(userId: string): Promise<boolean> {
  const n = (state.counts.get(userId) ?? 1) - 1;
  if (n > 0) {
    state.counts.set(userId, n);
    return false;
  }
  state.counts.delete(userId);
  const redis = getRedis();
  if (redis?.isReady) {
    await redis
      .multi()
      .hDel(hashKey(userId), state.nodeId)
      .zRem(expiryKey(), `${userId}|${state.nodeId}`)
      .exec()
      .catch(() => {});
  }
  return !(await liveElsewhere(userId).catch(() => false));
}

/** Which of `userIds` are online on this node or, with Redis, on any live node. */
export async function onlineUsers(userIds: string[]): Promise<Set<string>> {
  const online = new Set(userIds.filter((id) => state.counts.has(id)));
  const redis = getRedis();
  const rest = userIds.filter((id) => !online.has(id));
  if (!redis?.isReady || rest.length === 0) return online;
  try {
    const multi = redis.multi();
    for (const id of rest) multi.hGetAll(hashKey(id));
    const replies = (await multi.exec()) as unknown as Record<string, string>[];
    const now = Date.now();
    rest.forEach((id, i) => {
      if (Object.values(replies[i] ?? {}).some((expiry) => Number(expiry) > now)) online.add(id);
    });
  } catch {
    /* Redis unavailable: local knowledge only */
  }
  return online;
}

/** Refreshes this node's entries; returns users whose every node expired (now offline everywhere). */
export async function refreshPresence(): Promise<string[]> {
  const redis = getRedis();
  if (!redis?.isReady) return [];
  await markLive([...state.counts.keys()]);
  const expired = await redis.zRangeByScore(expiryKey(), 0, Date.now());
  const gone: string[] = [];
  for (const entry of expired) {
    if ((await redis.zRem(expiryKey(), entry)) !== 1) continue; // another node claimed it
    const [userId, nodeId] = entry.split("|");
    await redis.hDel(hashKey(userId), nodeId);
    if (!state.counts.has(userId) && !(await liveElsewhere(userId))) gone.push(userId);
  }
  return gone;
}
