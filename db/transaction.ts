/**
 * One transaction whose domain events are published only after it commits (lib/platform/events.ts):
 * the way domains write when what they change must reach clients. Also what a transaction whose
 * connection broke became (transactionOutcome), for it and the group-commit writer.
 */
import "server-only";
import { isConnectionError } from "@/lib/platform/errors";
import { publish, type DomainEvent, type Emit, type Tx } from "@/lib/platform/events";
import { sql as drizzleSql } from "drizzle-orm";
import { getDb, getSql, type Database } from "./index";

/**
 * Which server transaction some work ran as: its id (`pg_current_xact_id()`, an xid8 as text), its
 * backend's pid and its start (`now()` as text, to the microsecond: what a `defaultNow()` column of a
 * row it inserted holds), filled in when the statement `identify` sends answers.
 */
export interface TransactionIdentity {
  xid?: string;
  pid?: number;
  started?: string;
}

/** The statement that identifies a transaction (TransactionIdentity), one text for postgres.js and Drizzle. */
const IDENTIFY = "select pg_current_xact_id()::text as xid, pg_backend_pid() as pid, now()::text as started";

/**
 * Sends, inside `tx`, the statement that fills `identity` in, without waiting for it: issued before the
 * transaction's next statement, it goes out in the same write (postgres.js pipelines), so it costs no
 * wait of its own. Never rejects (a failure leaves `identity` empty).
 */
export function identify(tx: Tx, identity: TransactionIdentity): Promise<void> {
  return filledFrom(tx.unsafe(IDENTIFY, [], { prepare: true }).execute(), identity);
}

/** Copies the identify statement's row, once it answers, into `identity`; never rejects. */
function filledFrom(rows: PromiseLike<readonly unknown[]>, identity: TransactionIdentity): Promise<void> {
  return Promise.resolve(rows).then(
    ([row]) => void Object.assign(identity, row),
    () => {},
  );
}

/** How long transactionOutcome keeps asking, before it says "unknown". */
const OUTCOME_WAIT_MS = 10_000;

/**
 * What became of a transaction whose connection broke (or that threw) once its COMMIT may have gone
 * out, asked of PostgreSQL on another connection: `pg_xact_status`, which PostgreSQL's manual gives for
 * exactly this (learning whether a transaction committed when the connection broke while COMMIT was in
 * progress). One still in progress (its backend has not yet noticed the broken connection) is ended
 * first (`pg_terminate_backend`), so it cannot commit after the caller answered. "unknown": no id came
 * back, or PostgreSQL could not be asked within OUTCOME_WAIT_MS. Never throws.
 */
export async function transactionOutcome({ xid, pid }: TransactionIdentity): Promise<"committed" | "aborted" | "unknown"> {
  if (xid === undefined) return "unknown";
  const sql = getSql();
  const outcome = await untilSettled(pid, async () => {
    const [{ status }] = await sql`select pg_xact_status(${xid}::xid8) as status`;
    // 'in progress' means its backend is alive, so `pid` is still that backend's: keep asking
    return status === "in progress" ? undefined : status === "committed" || status === "aborted" ? status : "unknown";
  });
  return outcome ?? "unknown";
}

/**
 * After a statement outside a transaction failed with its connection (`pid`: the backend that ran it,
 * postgres.js's `query.state.pid`): ends that backend if it is still there (`pg_terminate_backend`) and
 * waits until it is gone, so the statement can no longer commit after the caller reads what is stored.
 * True once it is gone (or was never started: no pid); false if PostgreSQL could not be asked, or the
 * backend outlived OUTCOME_WAIT_MS. Never throws.
 */
export async function endBackend(pid: number | null | undefined): Promise<boolean> {
  if (!pid) return true;
  const sql = getSql();
  const gone = await untilSettled(pid, async () => ((await sql`select 1 from pg_stat_activity where pid = ${pid}`).length === 0 ? true : undefined));
  return gone ?? false;
}

/**
 * Asks `settled` every 20 ms until it answers something other than undefined, and returns that; after
 * its first undefined, ends backend `pid` (`pg_terminate_backend`, once it succeeds) so that what is
 * waited for comes about. Undefined when OUTCOME_WAIT_MS passed or a query failed. Never throws.
 */
async function untilSettled<T>(pid: number | undefined, settled: () => Promise<T | undefined>): Promise<T | undefined> {
  const sql = getSql();
  const deadline = performance.now() + OUTCOME_WAIT_MS;
  try {
    for (let terminated = false; ; ) {
      const answer = await settled();
      if (answer !== undefined || performance.now() > deadline) return answer;
      if (!terminated && pid !== undefined) terminated = (await sql`select pg_terminate_backend(${pid}) as done`)[0].done === true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch {
    return undefined;
  }
}

/**
 * Whether a transaction that threw `err` after its work was done (so COMMIT may have gone out, its answer
 * lost) committed all the same: only a connection error is asked about (transactionOutcome).
 */
async function committedDespite(err: unknown, identity: TransactionIdentity): Promise<boolean> {
  return isConnectionError(err) && (await transactionOutcome(identity)) === "committed";
}

/**
 * Runs `fn` in one transaction and publishes the events it collected only once that transaction has
 * committed; a rollback (a throw) drops them. `fn` gets the transaction and `emit`, which queues an event.
 * When the connection breaks after `fn` finished (COMMIT sent, its answer lost), PostgreSQL is asked
 * what became of it (transactionOutcome): committed, the events are published and `fn`'s result
 * returned, as after any commit; otherwise the connection's error is thrown (`unavailable`).
 */
export async function transaction<T>(fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
  const queued: DomainEvent[] = [];
  const identity: TransactionIdentity = {};
  let finished: { value: T } | undefined;
  let result: T;
  try {
    result = (await getSql().begin(async (tx) => {
      void identify(tx, identity);
      const value = await fn(tx, (event) => void queued.push(event));
      finished = { value };
      return value;
    })) as T;
  } catch (err) {
    if (!finished || !(await committedDespite(err, identity))) throw err;
    result = finished.value;
  }
  await publish(...queued);
  return result;
}

/** A Drizzle transaction, as getDb().transaction hands it to its callback. */
export type DrizzleTx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * getDb().transaction(fn), for the writes that use Drizzle's query builder, with transaction()'s care:
 * when the connection breaks after `fn` finished and PostgreSQL committed it, `fn`'s result is returned
 * instead of the connection's error, so the caller announces what was stored.
 */
export async function drizzleTransaction<T>(fn: (tx: DrizzleTx) => Promise<T>): Promise<T> {
  const identity: TransactionIdentity = {};
  let finished: { value: T } | undefined;
  try {
    return await getDb().transaction(async (tx) => {
      // started, not awaited: it goes out with fn's first statement (postgres.js pipelines)
      void filledFrom(tx.execute(drizzleSql.raw(IDENTIFY)), identity);
      const value = await fn(tx);
      finished = { value };
      return value;
    });
  } catch (err) {
    if (!finished || !(await committedDespite(err, identity))) throw err;
    return finished.value;
  }
}
