/** What bench/storm.ts and its load processes (bench/storm-load.ts) exchange over IPC. */

/** A message row as the database holds it after the run, for the delivery check. */
export interface StoredMessage {
  id: string;
  conversationId: string;
  senderId: string | null;
  clientId: string;
  seq: number;
}

export type StormCommand =
  /** opens sockets for users [from, to) of the workload file, each as the browser does, and waits for each one's first `sync` */
  | { cmd: "connect"; url: string; from: number; to: number }
  /** sends `rate` messages a second from this process (0 stops), each from a random client into its group */
  | { cmd: "trickle"; rate: number }
  /** from now on, time each client's way back: disconnected, connected again, caught up */
  | { cmd: "arm" }
  /** waits (≤ timeoutMs) until every client's outbox is empty */
  | { cmd: "drain"; timeoutMs: number }
  /** each client's timings since `arm` */
  | { cmd: "report" }
  /** checks what each client received against the database's rows of its conversations */
  | { cmd: "check"; messages: StoredMessage[] }
  | { cmd: "exit" };

export interface StormConnectResult {
  connected: number;
  failed: number;
  firstError?: string;
  ms: number;
}

/** One send as the client saw it. Times are ms since the epoch. */
export interface SendRecord {
  clientId: string;
  senderId: string;
  conversationId: string;
  sentAt: number;
  /** the acknowledged message's id and seq, and when the ack came; absent when never acked */
  ack?: { id: string; seq: number; at: number };
}

export interface DrainResult {
  sends: SendRecord[];
  /** still in an outbox: pending, or failed and shown as "Not sent" (the outbox gives up after FAIL_AFTER_MS without an ack until the next reconnect) */
  pending: number;
  failed: number;
  ms: number;
}

/** One client's way back after `arm`, ms since the epoch (null: did not happen). */
export interface ClientTimes {
  disconnectedAt: number | null;
  reconnectedAt: number | null;
  syncedAt: number | null;
  /** reconnect_attempt events (socket.io-client's backoff retries) */
  attempts: number;
  /** connect_error events: refused connections, timeouts, middleware refusals */
  connectErrors: number;
  /** `sync` requests that failed or timed out (tried again a second later) */
  syncFailures: number;
  /** disconnects after being back */
  flaps: number;
}

export interface ReportResult {
  clients: ClientTimes[];
  /** the first connect_error message seen, for the log */
  firstConnectError?: string;
  /** connect_error events since `arm` by message ("timeout", "websocket error", "unavailable", …) */
  connectErrorKinds: Record<string, number>;
  /** event-loop delay of this load process since `arm`, p99 (ms) */
  loopDelayP99: number;
}

export interface CheckResult {
  clients: number;
  /** (client, message) pairs that should have arrived: every stored message of the conversations of each client that is back (connected, caught up) */
  expected: number;
  /** expected pairs that never arrived, by message:new or by sync: lost deliveries */
  missing: number;
  /** clients still disconnected or catching up when checked (the storm outlasted the bench's wait) */
  away: number;
  /** what those clients have not received yet (they would catch up by `sync` once back; not counted as lost) */
  awaiting: number;
  /** arrivals of a message id the client already held (live and sync overlapping, or emitted twice): the client dedupes them */
  rawDuplicates: number;
  /** what stays doubled after deduping by id: two ids for one (sender, clientId) or for one (conversation, seq) */
  doubled: number;
  /** received ids the database does not have */
  unknown: number;
}

/** Sent every 250 ms after `arm`: counts of this process's clients. */
export interface StormProgress {
  event: "progress";
  at: number;
  connected: number;
  reconnected: number;
  synced: number;
}

export type StormReply = { id: number; result: unknown } | { id: number; error: string };
