/**
 * Deleting the bytes of removed attachments from the store (docs/attachments.md "Storage"). An
 * `attachments` row goes in many ways — its message deleted, its uploader's account deleted (both
 * by cascade), the daily sweep, its uploader taking it back — and a trigger (migration 0007) queues
 * the id of every one in `attachment_removals` in the deleting transaction itself, so none is
 * missed. Every node drains the queue (`for update skip locked`, like lib/search/indexer.ts) for
 * the stores it can reach; a batch the store fails to delete stays queued and is tried again.
 */
import "server-only";
import { getSql } from "@/db";
import { startPeriodic } from "../platform/periodic";
import { reachableStoreKinds, storeOf, type StoreKind } from "./store";

/** Removals taken per transaction (two S3 keys each: one DeleteObjects request). */
export const REAP_BATCH = 200;
/** How often a node looks at the queue, in ms: deleted bytes outlive their rows by about this long. */
export const REAP_EVERY_MS = 5_000;

/**
 * Deletes the bytes of up to `limit` attachments queued for `kind`'s store, then their queue rows,
 * in one transaction: when the store throws, the rows stay queued (and the error passes through).
 * Answers how many it removed.
 */
export async function reapRemovals({ kind, limit = REAP_BATCH }: { kind: StoreKind; limit?: number }): Promise<number> {
  const store = storeOf(kind);
  return getSql().begin(async (tx) => {
    const rows = await tx<{ attachment_id: string }[]>`
      select attachment_id from attachment_removals where store = ${kind}
      order by queued_at limit ${limit} for update skip locked`;
    if (!rows.length) return 0;
    const ids = rows.map((r) => r.attachment_id);
    await store.remove(ids);
    await tx`delete from attachment_removals where attachment_id = any(${ids}::uuid[])`;
    return ids.length;
  });
}

/**
 * Drains the queue, batch by batch, for every store this node reaches (PostgreSQL, and S3 when
 * configured; a node without S3 leaves S3's removals to nodes with it). Answers how many it
 * removed. Throws as reapRemovals does.
 */
export async function reapAll(): Promise<number> {
  let total = 0;
  for (const kind of reachableStoreKinds()) {
    for (;;) {
      const removed = await reapRemovals({ kind });
      total += removed;
      if (removed < REAP_BATCH) break;
    }
  }
  return total;
}

/** Drains the queue now and every REAP_EVERY_MS until the returned stop is called (the timer never keeps the process alive). */
export function startAttachmentReaper(): () => void {
  // the queue keeps what is still to delete
  return startPeriodic("attachments", "removing stored files", REAP_EVERY_MS, async () => {
    await reapAll();
  });
}
