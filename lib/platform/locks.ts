/**
 * Row locks for every check-then-act on memberships, roles and accounts (docs/integrity.md, "Item 3:
 * concurrent changes"). Every writer takes them in one order, so no two transactions can wait on each
 * other in a circle (no deadlock):
 *   1. users rows: `for key share` by whoever is about to reference them (group creation, adds, direct
 *      conversations, send batches); `for update` only by the account deletion, one user at a time;
 *   2. conversations rows: `for no key update`, in id order: every change of members, roles or title,
 *      every send batch, and the account deletion for each conversation of the account;
 *   3. members rows: read and written only while 2 is held, so a membership or role seen under the lock
 *      stays true until commit;
 *   4. a send batch's clientIds (transaction-level advisory locks, one per sender and clientId, in key
 *      order), taken only by send batches, after 1 and 2.
 * `for no key update` does not block the `for key share` a foreign key takes, so inserting members or
 * messages that reference a locked conversation never waits on the lock's holder.
 */
import "server-only";
import type { Tx } from "./events";

/**
 * Holds the rows of `ids` (`for key share`, until commit): an account deletion of any of them waits
 * for this transaction, or has already committed. Returns the ids that exist.
 *
 * This and lockConversations send their statement at the call, not when awaited (`.execute()`), so
 * a caller may pipeline them with what follows (lib/messages/writer.ts): postgres.js sends a
 * transaction's statements in the order they were started, and PostgreSQL runs them in that order.
 * Started at the first `await` instead, they could run after a later statement (even before BEGIN).
 */
export async function holdUsers(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await tx`select id from users where id = any(${[...new Set(ids)]}::uuid[]) order by id for key share`.execute();
  return new Set(rows.map((r) => r.id as string));
}

/**
 * Locks one conversation for a change of its members, roles or title (`for no key update`, until
 * commit). Returns its kind, or null when it does not exist.
 */
export async function lockConversation(tx: Tx, conversationId: string): Promise<{ kind: "direct" | "group" } | null> {
  const [row] = await tx`select kind from conversations where id = ${conversationId} for no key update`;
  return row ? { kind: row.kind } : null;
}

/** Locks several conversations (`for no key update`, in id order, until commit). Returns the ids that exist. */
export async function lockConversations(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await tx`select id from conversations where id = any(${[...new Set(ids)]}::uuid[]) order by id for no key update`.execute();
  return new Set(rows.map((r) => r.id as string));
}

/**
 * Locks each sender's clientId of a send batch (`pairs`: [senderId, clientId]) until commit, with one
 * transaction-level advisory lock per pair (keys hashed from the pair, taken in key order, so two
 * batches never wait on each other in a circle; a hash collision only makes one wait). Two nodes'
 * batches storing one clientId into two different conversations lock different conversations, so
 * without this each read "not stored yet", took positions for it, and the loser's INSERT then stored
 * nothing (ON CONFLICT): a gap in its conversation. With it the second batch reads under the lock,
 * after the first committed, sees the stored copy, and takes no position. Sent at the call, like the
 * others.
 */
export async function lockClientIds(tx: Tx, pairs: [senderId: string, clientId: string][]): Promise<void> {
  if (!pairs.length) return;
  await tx`
    select pg_advisory_xact_lock(ordered.key) from (
      select distinct hashtextextended('messages.client_id:' || x.s || ':' || x.k, 0) as key
      from unnest(${pairs.map(([s]) => s)}::text[], ${pairs.map(([, k]) => k)}::text[]) as x(s, k) order by key) ordered`.execute();
}
