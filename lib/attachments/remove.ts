/**
 * Removing attachments: one's own unsent upload, and those nobody sent within a day. Deleting a row
 * queues its bytes for deletion from their store (a trigger; lib/attachments/reaper.ts deletes them).
 */
import "server-only";
import { getSql } from "@/db";
import { AppError } from "../platform/errors";
import { consume } from "../platform/rate-limit";

/** How long an upload waits to be sent before it is removed, in ms (DESIGN.md: 24 h). */
export const UNCLAIMED_TTL_MS = 24 * 60 * 60 * 1000;

/** Deletes `userId`'s own upload `id` that no message has claimed; `not_found` otherwise; `rate_limited` past LIMITS.uploadDelete. */
export async function deleteUnclaimed({ userId, id }: { userId: string; id: string }): Promise<void> {
  await consume("uploadDelete", userId);
  const rows = await getSql()`delete from attachments where id = ${id} and uploader_id = ${userId} and message_id is null returning id`;
  if (!rows.length) throw new AppError("not_found", "No such file");
}

/** Deletes an upload outright (its bytes are queued for deletion): one the request that made it turned out to be malformed. */
export async function removeAttachment(id: string): Promise<void> {
  await getSql()`delete from attachments where id = ${id}`;
}

/**
 * Deletes uploads never sent within UNCLAIMED_TTL_MS (their bytes are queued for deletion), also the
 * unfinished ones a crash left behind. Answers how many. Run periodically by every node
 * (lib/attachments/sweeper.ts); a delete is idempotent, so nodes sweeping together do no harm.
 */
export async function sweepUnclaimed(now = Date.now()): Promise<number> {
  const rows = await getSql()`delete from attachments where message_id is null and created_at < ${new Date(now - UNCLAIMED_TTL_MS).toISOString()}::timestamptz returning id`;
  return rows.length;
}
