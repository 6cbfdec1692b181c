/**
 * Attachment bytes in PostgreSQL (ATTACHMENT_STORE=postgres, the default), in parts of
 * ATTACHMENT_CHUNK_BYTES in `attachment_chunks`, so the embedded database and several nodes need
 * nothing more. Written as they arrive and read a part at a time: a file is never held whole in
 * memory (issue 14, item 6). A part goes with its `attachments` row (foreign key, cascade).
 */
import "server-only";
import { getSql } from "@/db";
import { metered, type AttachmentStore } from "./store-contract";

/** One stored part, in bytes: large enough that a 25 MiB file is 100 inserts, small enough to hold. */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;

/** The PostgreSQL store (one per process: it holds nothing but uses the shared pool). */
export function postgresStore(): AttachmentStore {
  return {
    kind: "postgres",
    async write(id, variant, source, maxBytes, tooLarge) {
      const sql = getSql();
      const { bytes, done } = metered(source, maxBytes, tooLarge);
      // one part's buffer, filled by copying and reused: a part in flight is the only copy held
      let part = 0;
      let filled = 0;
      const buffer = Buffer.allocUnsafe(ATTACHMENT_CHUNK_BYTES);
      const flush = async () => {
        await sql`insert into attachment_chunks (attachment_id, variant, part, data) values (${id}, ${variant}, ${part}, ${buffer.subarray(0, filled)})`;
        part++;
        filled = 0;
      };
      for await (const chunk of bytes) {
        let offset = 0;
        while (offset < chunk.byteLength) {
          const n = chunk.copy(buffer, filled, offset);
          filled += n;
          offset += n;
          if (filled === ATTACHMENT_CHUNK_BYTES) await flush();
        }
      }
      if (filled > 0 || part === 0) await flush();
      return done();
    },

    async *read(id, variant, start, end) {
      if (end < start) return;
      const sql = getSql();
      const first = Math.floor(start / ATTACHMENT_CHUNK_BYTES);
      const last = Math.floor(end / ATTACHMENT_CHUNK_BYTES);
      for (let part = first; part <= last; part++) {
        const [row] = await sql<{ data: Buffer }[]>`select data from attachment_chunks where attachment_id = ${id} and variant = ${variant} and part = ${part}`;
        if (!row) return; // deleted meanwhile: the response ends short, and the client sees it did
        const offset = part * ATTACHMENT_CHUNK_BYTES;
        yield row.data.subarray(Math.max(0, start - offset), Math.min(row.data.byteLength, end - offset + 1));
      }
    },

    // the parts went with their rows (foreign key, on delete cascade)
    async remove() {},
    async check() {},
    close() {},
  };
}

