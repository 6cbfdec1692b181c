/**
 * Messages between the workers of one `npm start` with WEB_CONCURRENCY > 1 (a Node cluster, see
 * cluster.ts at the root): a worker tells its peers something on a topic, the primary relays it to
 * every other live worker, and tells the survivors when a worker has died. Used for what the workers
 * must share without Redis: presence (lib/people/presence.ts). Room broadcasts go through Socket.IO's
 * cluster adapter and rate-limit counters through rate-limiter-flexible's cluster limiter, each over
 * the same IPC channel.
 */
import "server-only";
import cluster from "node:cluster";
import { singleton } from "./singleton";

/** The IPC message's `channel`, so other users of the channel (cluster.ts's connections, adapter, limiter) ignore it. */
export const PEERS_CHANNEL = "parley:peers";
/** Sent by the primary, never by a worker: `{ worker }`, a worker that exited. */
export const PEER_GONE = "peer-gone";

/** What goes over the IPC channel: `from` is the sender's cluster worker id, filled in by the primary. */
export interface PeerMessage {
  channel: typeof PEERS_CHANNEL;
  topic: string;
  body: unknown;
  from?: number;
}

/** The body of PEER_GONE: the dead worker's id (its users' "offline" is ordered by the primary: lib/people/presence.ts tallyPresence). */
export interface PeerGone {
  worker: number;
}

/** Whether this process is a worker of Parley's cluster (set by cluster.ts in each worker's environment). */
export function inCluster(): boolean {
  return cluster.isWorker && process.env.PARLEY_CLUSTER === "1" && typeof process.send === "function";
}

const ignore = () => {};

/** Sends `body` on `topic` to every other worker; nothing outside a cluster or once the primary is gone. */
export function tellPeers(topic: string, body: unknown): void {
  if (!inCluster() || !process.connected) return;
  const message: PeerMessage = { channel: PEERS_CHANNEL, topic, body };
  process.send!(message, undefined, {}, ignore);
}

type Listener = (body: unknown, from: number) => void;
// One table per process: Next's bundles and server.ts are two module graphs, one IPC channel.
const listeners = () =>
  singleton("peers.listeners", () => {
    const table = new Map<string, Set<Listener>>();
    process.on("message", (message: Partial<PeerMessage> | null) => {
      if (message?.channel !== PEERS_CHANNEL || typeof message.topic !== "string") return;
      for (const fn of table.get(message.topic) ?? []) fn(message.body, message.from ?? 0);
    });
    return table;
  });

/** Calls `fn(body, fromWorkerId)` for each message on `topic` from a peer (or PEER_GONE from the primary). */
export function onPeers(topic: string, fn: Listener): void {
  if (!inCluster()) return;
  const table = listeners();
  let set = table.get(topic);
  if (!set) table.set(topic, (set = new Set()));
  set.add(fn);
}

/**
 * The primary's side: relays each worker's PeerMessage to every other worker, and tells the
 * survivors when a worker exits (PEER_GONE).
 * Called once, in the primary.
 */
export function relayBetweenWorkers(): void {
  const others = (except: number) => Object.values(cluster.workers ?? {}).filter((w) => w && w.id !== except && w.isConnected());
  cluster.on("message", (worker, message: Partial<PeerMessage> | null) => {
    if (message?.channel !== PEERS_CHANNEL) return;
    for (const w of others(worker.id)) w!.send({ ...message, from: worker.id }, undefined, ignore);
  });
  cluster.on("exit", (worker) => {
    const live = others(worker.id);
    if (live.length === 0) return;
    const body: PeerGone = { worker: worker.id };
    for (const w of live) w!.send({ channel: PEERS_CHANNEL, topic: PEER_GONE, body, from: 0 } satisfies PeerMessage, undefined, ignore);
  });
}
