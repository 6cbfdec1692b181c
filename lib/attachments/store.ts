/**
 * Where attachment bytes live: PostgreSQL (ATTACHMENT_STORE=postgres, the default), in parts of
 * ATTACHMENT_CHUNK_BYTES in `attachment_chunks`, so the embedded database and several nodes need
 * nothing more. Written as they arrive and read a part at a time: a file is never held whole in
 * memory (issue 14, item 6).
 */
import "server-only";
import { createHash } from "node:crypto";
import type { Sql } from "postgres";
import { AppError } from "../platform/errors";

/** One stored part, in bytes: large enough that a 25 MiB file is 100 inserts, small enough to hold. */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;
/** How many leading bytes are kept for sniffing the type (file-type reads at most 4100 for most kinds). */
const HEAD_BYTES = 64 * 1024;

export type Variant = "file" | "thumbnail";

/**
 * Stores `source` as the `variant` of attachment `id`, part by part, hashing as it goes. Throws
 * `payload_too_large` (with `tooLarge`'s message) as soon as more than `maxBytes` arrive; the parts
 * written so far stay for the caller to delete with the row. Answers the size, the hex SHA-256 and
 * the first bytes (for sniffing).
 */
export async function writeParts(sql: Sql, id: string, variant: Variant, source: AsyncIterable<Buffer> | Iterable<Buffer>, maxBytes: number, tooLarge: string): Promise<{ size: number; sha256: string; head: Buffer }> {
  const hash = createHash("sha256");
  let size = 0;
  let part = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let head = Buffer.alloc(0);
  const flush = async (data: Buffer) => {
    await sql`insert into attachment_chunks (attachment_id, variant, part, data) values (${id}, ${variant}, ${part}, ${data})`;
    part++;
  };
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new AppError("payload_too_large", tooLarge);
    hash.update(chunk);
    if (head.byteLength < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.byteLength)]);
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    while (pendingBytes >= ATTACHMENT_CHUNK_BYTES) {
      const all = Buffer.concat(pending);
      await flush(all.subarray(0, ATTACHMENT_CHUNK_BYTES));
      const rest = all.subarray(ATTACHMENT_CHUNK_BYTES);
      pending = rest.byteLength ? [Buffer.from(rest)] : [];
      pendingBytes = rest.byteLength;
    }
  }
  if (pendingBytes > 0 || part === 0) await flush(Buffer.concat(pending));
  return { size, sha256: hash.digest("hex"), head };
}

/**
 * The bytes `start`..`end` (inclusive, 0-based) of a stored variant, a part at a time (one query
 * per part), for streaming a download or a range of it.
 */
export async function* readParts(sql: Sql, id: string, variant: Variant, start: number, end: number): AsyncGenerator<Buffer> {
  if (end < start) return;
  const first = Math.floor(start / ATTACHMENT_CHUNK_BYTES);
  const last = Math.floor(end / ATTACHMENT_CHUNK_BYTES);
  for (let part = first; part <= last; part++) {
    const [row] = await sql<{ data: Buffer }[]>`select data from attachment_chunks where attachment_id = ${id} and variant = ${variant} and part = ${part}`;
    if (!row) return; // deleted meanwhile: the response ends short, and the client sees it did
    const offset = part * ATTACHMENT_CHUNK_BYTES;
    yield row.data.subarray(Math.max(0, start - offset), Math.min(row.data.byteLength, end - offset + 1));
  }
}
