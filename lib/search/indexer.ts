/**
 * The search indexer (docs/search.md): turns queued text messages into full-text documents in
 * `message_search`, after their writers committed. The queue is filled by a trigger on `messages`
 * (migration 0006), so a send pays one small insert and never a GIN update, which made sends at
 * 2,000/s several times slower when the document was a generated column (bench:search). Zulip keeps
 * its search vector the same way (a trigger-fed `fts_update_log`, drained by its own process).
 * Every node runs one loop; `for update skip locked` keeps them from taking the same messages.
 */
import "server-only";
import type { Sql } from "postgres";
import { getSql } from "@/db";
import { log } from "../platform/log";

/** Messages indexed per statement. */
export const INDEX_BATCH = 1000;
/** How often a node looks at the queue, in ms: how long a message may wait before others find it. */
export const INDEX_EVERY_MS = 200;

/**
 * Indexes up to `limit` queued messages (only those of `conversationIds` when given) and answers how
 * many it took off the queue. A message deleted or gone meanwhile is simply dropped from the queue;
 * one edited meanwhile is queued again by the trigger and indexed again.
 */
export async function indexPending(sql: Sql, { conversationIds, limit = INDEX_BATCH }: { conversationIds?: string[]; limit?: number } = {}): Promise<number> {
  const [{ taken }] = await sql<{ taken: number }[]>`
    with q as (
      delete from message_search_queue where message_id in (
        select message_id from message_search_queue
        ${conversationIds ? sql`where conversation_id = any(${conversationIds}::uuid[])` : sql``}
        limit ${limit} for update skip locked)
      returning message_id),
    indexed as (
      insert into message_search (message_id, conversation_id, created_at, search)
      select m.id, m.conversation_id, m.created_at, to_tsvector('parley_search', parley_search_text(m.body))
      from q join messages m on m.id = q.message_id
      where m.kind = 'text' and m.deleted_at is null
      on conflict (message_id) do update set search = excluded.search
      returning 1)
    select (select count(*) from q)::int as taken, (select count(*) from indexed)::int as indexed`;
  return taken;
}

/** Drains the queue batch by batch until it is empty. Answers how many it took. */
export async function indexAll(sql: Sql = getSql()): Promise<number> {
  let total = 0;
  for (;;) {
    const taken = await indexPending(sql);
    total += taken;
    if (taken < INDEX_BATCH) return total;
  }
}

/** Runs the indexer on this node every INDEX_EVERY_MS until the returned stop is called (the timer never keeps the process alive). */
export function startSearchIndexer(): () => void {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await indexAll();
    } catch (err) {
      log.warn("[search]", "indexing failed (retried):", err instanceof Error ? err.message : String(err));
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), INDEX_EVERY_MS);
  timer.unref();
  void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
