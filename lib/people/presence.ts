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
 * the others for their online users (their views answer `onlineUsers`). Announcing is the primary's
 * to order (`tallyPresence`): it sees every worker's "up" and "down" in one order, decides when a
 * user's first socket on the machine opened or last one closed (also when a worker dies), and has
 * one worker, the announcer, emit each change, in that order. Each worker deciding from its own view
 * announced nothing when two tabs on two workers closed at once (each saw the other's tab), and a
 * tab opening on one worker as another closed on the other could be heard "online" then "offline".
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
  /** in a cluster worker: emits the primary's announcements (set by lib/realtime/server.ts) */
  announce?: (userId: string, online: boolean) => Promise<void>;
  /** each user's announcements, one after the other */
  announcing: Map<string, Promise<void>>;
}

/**
 * What goes on the "presence" topic: workers tell each other (and the primary) "up", "down",
 * "hello" and "state"; the primary tells the announcer "announce".
 */
type PeerPresence =
  | { op: "up" | "down"; userId: string }
  | { op: "hello" }
  | { op: "state"; userIds: string[] }
  | { op: "announce"; userId: string; online: boolean };

// One count per process, whichever module graph connects or asks.
const state = singleton<PresenceState>("presence", () => {
  const s: PresenceState = { nodeId: randomUUID(), counts: new Map(), peers: new Map(), announcing: new Map() };
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
    else if (m.op === "announce") announceInTurn(s, m.userId, m.online);
  });
  onPeers(PEER_GONE, (body) => {
    s.peers.delete((body as PeerGone).worker); // its users' "offline" is the primary's to announce (tallyPresence)
  });
  tellPeers("presence", { op: "hello" } satisfies PeerPresence);
}

/** Emits one of the primary's announcements once this user's earlier ones are out; "offline" only if no other node (Redis) has them. */
function announceInTurn(s: PresenceState, userId: string, online: boolean): void {
  const announce = s.announce;
  if (!announce) return;
  const next = (s.announcing.get(userId) ?? Promise.resolve())
    .then(async () => {
      if (!online && (await liveElsewhere(userId).catch(() => false))) return;
      await announce(userId, online);
    })
    .catch(() => {});
  s.announcing.set(userId, next);
  void next.then(() => {
    if (s.announcing.get(userId) === next) s.announcing.delete(userId);
  });
}

/**
 * In a cluster worker: `fn(userId, online)` emits the announcements the primary orders
 * (`tallyPresence`); socketConnected and socketDisconnected then never say "announce" themselves.
 */
export function onPresenceAnnouncements(fn: (userId: string, online: boolean) => Promise<void>): void {
  state.announce = fn;
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

/**
 * Counts a new socket; true when the user just came online (on this node) and the caller should say
 * so. In a cluster worker always false: the primary orders that announcement (`tallyPresence`).
 */
export async function socketConnected(userId: string): Promise<boolean> {
  const n = (state.counts.get(userId) ?? 0) + 1;
  state.counts.set(userId, n);
  if (n === 1) {
    tellPeers("presence", { op: "up", userId } satisfies PeerPresence);
    await markLive([userId]).catch(() => {});
  }
  return n === 1 && !inCluster();
}

/**
 * Counts a closed socket; true when the user has no socket left on any node and the caller should
 * say so. In a cluster worker always false: the primary orders that announcement (`tallyPresence`).
 */
export async function socketDisconnected(userId: string): Promise<boolean> {
  const n = (state.counts.get(userId) ?? 1) - 1;
  if (n > 0) {
    state.counts.set(userId, n);
    return false;
  }
  state.counts.delete(userId);
  tellPeers("presence", { op: "down", userId } satisfies PeerPresence);
  const redis = getRedis();
  if (redis?.isReady) {
    await redis
      .multi()
      .hDel(hashKey(userId), state.nodeId)
      .zRem(expiryKey(), `${userId}|${state.nodeId}`)
      .exec()
      .catch(() => {});
  }
  if (inCluster()) return false;
  return !(await liveElsewhere(userId).catch(() => false));
}

/**
 * The primary's side (cluster.ts calls it once): tallies which workers hold each user from the
 * workers' "up" and "down", in the one order the primary receives them, and when a user's first
 * socket on the machine opens or their last one closes (or the only worker holding them exits),
 * tells the worker `announcer()` names (one, the same while it lives) to announce it. Nothing is
 * announced while no worker is ready.
 */
export function tallyPresence(announcer: () => Worker | undefined): void {
  const holders = new Map<string, Set<number>>();
  const announce = (userId: string, online: boolean) => {
    const worker = announcer();
    if (!worker?.isConnected()) return;
    const body: PeerPresence = { op: "announce", userId, online };
    worker.send({ channel: PEERS_CHANNEL, topic: "presence", body, from: 0 } satisfies PeerMessage, undefined, () => {});
  };
  cluster.on("message", (worker, message: Partial<PeerMessage> | null) => {
    if (message?.channel !== PEERS_CHANNEL || message.topic !== "presence") return;
    const m = message.body as PeerPresence;
    if (m.op === "up") {
      let set = holders.get(m.userId);
      if (!set) holders.set(m.userId, (set = new Set()));
      set.add(worker.id);
      if (set.size === 1) announce(m.userId, true);
    } else if (m.op === "down") {
      const set = holders.get(m.userId);
      if (!set?.delete(worker.id) || set.size > 0) return;
      holders.delete(m.userId);
      announce(m.userId, false);
    }
  });
  cluster.on("exit", (worker) => {
    for (const [userId, set] of holders) {
      if (!set.delete(worker.id) || set.size > 0) continue;
      holders.delete(userId);
      announce(userId, false);
    }
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

/** Refreshes this node's entries (Redis); returns users whose every node expired (now offline everywhere). */
export async function refreshPresence(): Promise<string[]> {
  const redis = getRedis();
  if (!redis?.isReady) return [];
  const gone: string[] = [];
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
