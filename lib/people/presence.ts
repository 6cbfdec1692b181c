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
 * the others for their online users. Whether a user's last socket on the machine has closed is the
 * primary's to say (`tallyPresence`): it sees every worker's "up" and "down" in one order, so when
 * two tabs on two workers close at once exactly one worker announces "offline" (each worker's own
 * view would have seen the other tab still open, and neither would). When a worker dies, the
 * primary has the lowest-numbered survivor announce "offline", at its next refresh, for the users
 * no live worker has.
 */
import "server-only";
import cluster, { type Worker } from "node:cluster";
import { randomUUID } from "node:crypto";
import { env } from "../platform/env";
import { inCluster, onPeers, PEER_GONE, PEERS_CHANNEL, tellPeers, type PeerGone, type PeerMessage } from "../platform/peers";
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
  /** "down"s sent to the primary awaiting its word on whether they were the user's last socket, by ask id */
  asks: Map<number, (last: boolean) => void>;
  nextAsk: number;
}

/**
 * What goes on the "presence" topic: workers tell each other "up", "down" (with the `ask` the
 * primary answers with "last"), "hello" and "state"; the primary tells one worker "last" and "orphaned".
 */
type PeerPresence =
  | { op: "up"; userId: string }
  | { op: "down"; userId: string; ask?: number }
  | { op: "hello" }
  | { op: "state"; userIds: string[] }
  | { op: "last"; ask: number; last: boolean }
  | { op: "orphaned"; userIds: string[] };

/** How long a worker waits for the primary's "last" before it decides from its own view of the other workers. */
const ASK_PRIMARY_MS = 1_000;

// One count per process, whichever module graph connects or asks.
const state = singleton<PresenceState>("presence", () => {
  const s: PresenceState = { nodeId: randomUUID(), counts: new Map(), peers: new Map(), orphaned: [], asks: new Map(), nextAsk: 1 };
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
    else if (m.op === "last") s.asks.get(m.ask)?.(m.last);
    else if (m.op === "orphaned") s.orphaned.push(...m.userIds);
  });
  onPeers(PEER_GONE, (body) => {
    s.peers.delete((body as PeerGone).worker); // its users' "offline" is the primary's to call (tallyPresence)
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
  if (inCluster()) {
    if (!(await lastOnMachine(userId))) return false;
  } else if (onPeer(state, userId)) return false;
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

/**
 * Tells the other workers that `userId`'s last socket here closed, and asks the primary whether it
 * was the user's last on the machine; if the primary has not answered within ASK_PRIMARY_MS (busy, or
 * gone), this worker's own view of the others decides.
 */
function lastOnMachine(userId: string): Promise<boolean> {
  const ask = state.nextAsk++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => answer(!onPeer(state, userId)), ASK_PRIMARY_MS);
    const answer = (last: boolean) => {
      clearTimeout(timer);
      state.asks.delete(ask);
      resolve(last);
    };
    state.asks.set(ask, answer);
    tellPeers("presence", { op: "down", userId, ask } satisfies PeerPresence);
  });
}

/**
 * The primary's side (cluster.ts calls it once): tallies which workers hold each user from the
 * workers' "up" and "down", in the one order the primary receives them, and answers each asking
 * "down" with whether no worker holds the user any more. When a worker exits, the users only it held
 * are sent, as "orphaned", to the live worker with the lowest id, which announces them offline.
 */
export function tallyPresence(): void {
  const holders = new Map<string, Set<number>>();
  const tell = (worker: Worker | undefined, body: PeerPresence) => {
    if (!worker?.isConnected()) return;
    worker.send({ channel: PEERS_CHANNEL, topic: "presence", body, from: 0 } satisfies PeerMessage, undefined, () => {});
  };
  cluster.on("message", (worker, message: Partial<PeerMessage> | null) => {
    if (message?.channel !== PEERS_CHANNEL || message.topic !== "presence") return;
    const m = message.body as PeerPresence;
    if (m.op === "up") {
      let set = holders.get(m.userId);
      if (!set) holders.set(m.userId, (set = new Set()));
      set.add(worker.id);
    } else if (m.op === "down") {
      const set = holders.get(m.userId);
      set?.delete(worker.id);
      if (set?.size === 0) holders.delete(m.userId);
      if (m.ask !== undefined) tell(worker, { op: "last", ask: m.ask, last: !holders.has(m.userId) });
    }
  });
  cluster.on("exit", (worker) => {
    const orphaned: string[] = [];
    for (const [userId, set] of holders) {
      if (!set.delete(worker.id) || set.size > 0) continue;
      holders.delete(userId);
      orphaned.push(userId);
    }
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w) && w!.id !== worker.id && w!.isConnected());
    if (orphaned.length === 0 || live.length === 0) return;
    tell(live.reduce((a, b) => (a.id < b.id ? a : b)), { op: "orphaned", userIds: orphaned });
  });
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
