/**
 * Attachment bytes in PostgreSQL (ATTACHMENT_STORE=postgres, the default), in parts of
 * ATTACHMENT_CHUNK_BYTES in `attachment_chunks`, so the embedded database and several nodes need
 * nothing more. Written as they arrive and read a part at a time: a file is never held whole in
 * memory (issue 14, item 6). A part goes with its `attachments` row (foreign key, cascade).
 */
import "server-only";
import { finished } from "node:stream/promises";
import type { Sql } from "postgres";
import { getSql } from "@/db";
import { metered, type AttachmentStore, type Variant } from "./store-contract";

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
        await copyPart(sql, id, variant, part, buffer.subarray(0, filled));
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


/** PostgreSQL's binary COPY signature, flags and header extension length (COPY docs, "Binary Format"). */
const COPY_HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
/** The file trailer: a field count of -1. */
const COPY_TRAILER = Buffer.from([0xff, 0xff]);

/**
 * The binary COPY header and one row of `attachment_chunks` up to its `data` field's length word:
 * field count 4; `attachment_id` as a uuid's 16 bytes; `variant` as UTF-8 text; `part` as int4;
 * then `data`'s length, its bytes to follow. Throws on an id that is not a uuid.
 */
function copyRowPrefix(id: string, variant: Variant, part: number, dataBytes: number): Buffer {
  const uuid = Buffer.from(id.replace(/-/g, ""), "hex");
  if (uuid.length !== 16 || !/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a uuid: ${id}`);
  const name = Buffer.from(variant, "utf8");
  const row = Buffer.alloc(2 + 4 + 16 + 4 + name.length + 4 + 4 + 4);
  let at = row.writeInt16BE(4, 0);
  at = row.writeInt32BE(16, at);
  at += uuid.copy(row, at);
  at = row.writeInt32BE(name.length, at);
  at += name.copy(row, at);
  at = row.writeInt32BE(4, at);
  at = row.writeInt32BE(part, at);
  row.writeInt32BE(dataBytes, at);
  return Buffer.concat([COPY_HEADER, row]);
}

/**
 * Stores one part with `COPY attachment_chunks … FROM STDIN (FORMAT binary)` on a reserved
 * connection: its bytes travel as they are. An insert would send them as a parameter, which
 * postgres.js writes as text (a `\x…` hex string twice the part's size, promoted to V8's old space
 * while in flight) into a message buffer it grows in steps: about 1.4 MiB of garbage per 256 KiB
 * part, the cause of a 25 MiB upload's RSS growth (issue 14, item 6; docs/attachments.md).
 *
 * Reserved, because postgres.js pipelines other queries onto a busy pooled connection, which would
 * break the copy. Refusals are caught by wrapping the query's `reject`: postgres.js (3.4) resolves
 * a COPY's stream on CopyInResponse and only settles it on CommandComplete, so when the server
 * refuses the rows (the attachment row deleted meanwhile: a foreign-key violation, checked at the
 * statement's end) the stream never finishes, and the error reaches only the already-settled query.
 * Throws that error (a PostgresError), or the connection's.
 */
async function copyPart(sql: Sql, id: string, variant: Variant, part: number, data: Buffer): Promise<void> {
  const prefix = copyRowPrefix(id, variant, part, data.byteLength);
  const reserved = await sql.reserve();
  try {
    const query = reserved`copy attachment_chunks (attachment_id, variant, part, data) from stdin (format binary)`;
    let refuse!: (err: unknown) => void;
    const refused = new Promise<never>((_, reject) => (refuse = reject));
    refused.catch(() => {}); // raced below; a refusal before the stream opens rejects the await instead
    const settle = query as unknown as { reject(err: unknown): void };
    const reject = settle.reject;
    settle.reject = (err) => {
      refuse(err);
      reject(err);
    };
    const stream = await query.writable();
    stream.on("error", () => {}); // postgres.js destroys the stream with the refusal, which `refused` carries
    stream.write(prefix);
    stream.write(data);
    stream.end(COPY_TRAILER);
    await Promise.race([finished(stream), refused]);
  } finally {
    reserved.release();
  }
}
