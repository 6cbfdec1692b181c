/** What bench/run.ts and the load process (bench/load.ts) exchange: the workload file and IPC messages. */
import type { Summary } from "./stats";

export interface BenchUser {
  id: string;
  groupId: string;
  /** the user's one direct conversation (with user i ± users/2) */
  directId: string;
  /** `next-auth.session-token=…` for Parley */
  cookie: string;
}

/** How long a step with deliveries missing after its drain goes on waiting for them, to tell late from never (ms). */
export const LATE_WAIT_MS = 30_000;

export interface Workload {
  users: BenchUser[];
}

/**
 * "parley-workers": Parley with WEB_CONCURRENCY=BENCH_WORKERS (default 2), beside the one-process "parley";
 * "parley-nodes": two Parley nodes sharing Redis, socket i on node i % 2 (issue 15 item 7)
 */
export type ServerKind = "parley" | "relay" | "parley-workers" | "parley-nodes";

export type Command =
  /** socket i connects to `url`, or to urls[i % urls.length] when several are given */
  | { cmd: "connect"; url: string | string[]; kind: ServerKind; total: number }
  | { cmd: "disconnect"; kind: ServerKind }
  | { cmd: "step"; kind: ServerKind; rate: number; warmupMs: number; durationMs: number; drainMs: number }
  | { cmd: "exit" };

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError?: string;
  ms: number;
}

export interface StepResult {
  rate: number;
  durationS: number;
  sent: number;
  /** acknowledgements received inside the measured window, per second */
  ackedPerS: number;
  /** message:new received by the other members inside the measured window, per second */
  deliveriesPerS: number;
  ack: Summary;
  e2e: Summary;
  expected: number;
  lost: number;
  /**
   * Of `lost`, the deliveries still missing LATE_WAIT_MS after the drain: never delivered to a socket that
   * stayed connected, where the rest of `lost` came late (an overloaded server's deliveries do).
   */
  neverArrived: number;
  duplicates: number;
  unacked: number;
  ackErrors: number;
  firstAckError?: string;
  disconnects: number;
  /** event-loop delay of the load process itself, p99 (ms): high means the generator is the bottleneck */
  loadLoopDelayP99: number;
}

/** The load process tells run.ts when the measured window opens and closes (to sample CPU then). */
export type LoadEvent = { event: "window-start" } | { event: "window-end" };
export type Reply = { id: number; result: unknown } | { id: number; error: string };
