/**
 * Presence: a user is online while at least one of their sockets is connected, on any node.
 *
 * Each process counts its own sockets. With Redis, each node also records, per online user, a
 * field `<nodeId>` = expiry time in the hash `presence:<userId>` and the pair in the sorted set
 * `presence:expiry`; it refreshes them every 10 s. A node that dies stops refreshing: within 30 s
 * any surviving node's sweeper claims the expired entries (ZREM decides who), and announces
 * "offline" for users left with no live node.
 *
 * The workers of one `npm start` (WEB_CONCURRENCY > 1) also tell each other, through the primary
 * (lib/platform/peers.ts), when a user comes online or goes offline on them; a worker that starts asks
 * the others for their online users. When a worker dies, the primary names one survivor, which
 * announces "offline" at its next refresh for the users no live worker has.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { env } from "../platform/env";
import { inCluster, onPeers, PEER_GONE, tellPeers, workerId, type PeerGone } from "../platform/peers";
import { getRedis, redisPrefix } from "../platform/redis";
import { singleton } from "../platform/singleton";

/** How often, in ms, this node refreshes its presence entries (PRESENCE_REFRESH_MS, default 10 s). */
export const presenceRefreshMs = (): number => env().presenceRefreshMs;
interface PresenceState {
  nodeId: string;
  counts: Map<string, number>;
  /** the users online on each other worker of this cluster, by worker id */
  peers: Map<number, Set<string>>;
  /** users left offline by a dead worker, announced by the next refreshPresence */
  orphaned: string[];
}

/** What workers tell each other on the "presence" topic. */
type PeerPresence = { op: "up" | "down"; userId: string } | { op: "hello" } | { op: "state"; userIds: string[] };

// One count per process, whichever module graph connects or asks.
const state = singleton<PresenceState>("presence", () => {
  const s: PresenceState = { nodeId: randomUUID(), counts: new Map(), peers: new Map(), orphaned: [] };
  if (inCluster()) listenToPeers(s);
  return s;
});

function listenToPeers(s: PresenceState): void {
  const of = (worker: number) => {
    let users = s.peers.get(worker);
    if (!users) s.peers.set(worker, (users = new Set()));
    return users;
  };
  onPeers("presence", (body, from) => {
    const m = body as PeerPresence;
    if (m.op === "up") of(from).add(m.userId);
    else if (m.op === "down") of(from).delete(m.userId);
    else if (m.op === "state") s.peers.set(from, new Set(m.userIds));
    else if (m.op === "hello") tellPeers("presence", { op: "state", userIds: [...s.counts.keys()] } satisfies PeerPresence);
  });
  onPeers(PEER_GONE, (body) => {
    const { worker, announcer } = body as PeerGone;
    const left = s.peers.get(worker) ?? new Set<string>();
    s.peers.delete(worker);
    if (announcer !== workerId()) return;
    for (const userId of left) if (!s.counts.has(userId) && !onPeer(s, userId)) s.orphaned.push(userId);
  });
  tellPeers("presence", { op: "hello" } satisfies PeerPresence);
}

function onPeer(s: PresenceState, userId: string): boolean {
  for (const users of s.peers.values()) if (users.has(userId)) return true;
  return false;
}

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
  if (n === 1) {
    tellPeers("presence", { op: "up", userId } satisfies PeerPresence);
    await markLive([userId]).catch(() => {});
  }
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
  tellPeers("presence", { op: "down", userId } satisfies PeerPresence);
  if (onPeer(state, userId)) return false;
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
  const online = new Set(userIds.filter((id) => state.counts.has(id) || onPeer(state, id)));
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

/**
 * Refreshes this node's entries; returns users whose every node expired (now offline everywhere),
 * and those a dead worker of this cluster left offline when this worker speaks for it.
 */
export async function refreshPresence(): Promise<string[]> {
  const orphaned = state.orphaned.splice(0).filter((userId) => !state.counts.has(userId) && !onPeer(state, userId));
  const redis = getRedis();
  if (!redis?.isReady) return orphaned;
  const gone: string[] = [];
  for (const userId of orphaned) if (!(await liveElsewhere(userId))) gone.push(userId);
  await markLive([...state.counts.keys()]);
  const expired = await redis.zRangeByScore(expiryKey(), 0, Date.now());
  for (const entry of expired) {
    if ((await redis.zRem(expiryKey(), entry)) !== 1) continue; // another node claimed it
    const [userId, nodeId] = entry.split("|");
    await redis.hDel(hashKey(userId), nodeId);
    if (!state.counts.has(userId) && !(await liveElsewhere(userId))) gone.push(userId);
  }
  return gone;
}
