/**
 * The one rule for positions: every new message, edit, delete and timeline note takes the
 * conversation's next position from `conversations.last_seq` (DESIGN.md, Data model), inside the
 * transaction that stores the change, so positions follow commit order per conversation and `sync` (rev > position) misses
 * nothing. The conversation rows must already be locked (lib/platform/locks.ts). It lives here, with
 * the counter, so that conversations/notes.ts can use it; lib/messages/positions.ts re-exports it.
 */
import "server-only";
import type { Tx } from "../platform/events";

/**
 * Takes `n` consecutive positions in each conversation of `counts` (id → n) in one statement and
 * returns each conversation's first new position (its last is first + n − 1).
 */
export async function takePositions(tx: Tx, counts: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const rows = await positionsTaken(tx, counts);
  return new Map(rows.map((r) => [r.id as string, Number(r.first)]));
}

/**
 * takePositions' statement, not yet run, for a writer that uses the positions in the statement that
 * stores the messages (`with positions as (${positionsTaken(tx, counts)}) insert …`, one round trip
 * instead of two): rows `(id uuid, first bigint)`, each touched conversation's first new position.
 */
export function positionsTaken(tx: Tx, counts: ReadonlyMap<string, number>) {
  const sorted = [...counts].sort();
  const ids = sorted.map(([id]) => id);
  // The rows by their ids (`= any`, conversations_pkey): PostgreSQL takes a set-returning function
  // for 100 rows, and joined to that it read every conversation to bump one or two (a sequential
  // scan of 10,000 rows in every group commit, docs/growth-plans.md).
  return positionsTakenFrom(tx, tx`unnest(${ids}::uuid[], ${sorted.map(([, n]) => n)}::int[]) as v(id, n)`, ids);
}

/**
 * positionsTaken with the counts read by the statement itself: `counts` is a from-item `v(id, n)` (such
 * as a CTE's rows, grouped), its conversations among `ids` (the writer stores only the items its own
 * checks allow, so only the statement knows how many positions each conversation gives).
 */
export function positionsTakenFrom(tx: Tx, counts: ReturnType<Tx>, ids: string[]) {
  return tx`
    update conversations c set last_seq = c.last_seq + v.n
    from ${counts}
    where c.id = any(${ids}::uuid[]) and c.id = v.id returning c.id, c.last_seq - v.n + 1 as first`;
}

/** Takes the next position of one conversation (an edit or a delete: the message's new rev). */
export async function takePosition(tx: Tx, conversationId: string): Promise<number> {
  const first = await takePositions(tx, new Map([[conversationId, 1]]));
  return first.get(conversationId)!;
}
