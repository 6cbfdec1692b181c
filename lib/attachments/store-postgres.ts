/**
 * Attachment bytes in PostgreSQL (ATTACHMENT_STORE=postgres, the default), in parts of
 * ATTACHMENT_CHUNK_BYTES in `attachment_chunks`, so the embedded database and several nodes need
 * nothing more. Written as they arrive and read a part at a time: a file is never held whole in
 * memory (issue 14, item 6). A part goes with its `attachments` row (foreign key, cascade).
 */
import "server-only";
import postgres, { type Sql } from "postgres";
import { getSql } from "@/db";
import { env } from "../platform/env";
import { metered, type AttachmentStore, type Variant } from "./store-contract";

/** One stored part, in bytes: large enough that a 25 MiB file is 100 inserts, small enough to hold. */
export const ATTACHMENT_CHUNK_BYTES = 256 * 1024;

/**
 * How many parts are copied at once per process, each on a connection of the store's own pool
 * (copyPool): more wait their turn. Uploads take these few connections, never the shared pool's.
 */
export const COPY_CONNECTIONS = 4;

/** The PostgreSQL store (one per module graph): reads use the shared pool, writes a small pool of its own. */
export function postgresStore(): AttachmentStore {
  let copies: CopyPool | undefined;
  return {
    kind: "postgres",
    async write(id, variant, source, maxBytes, tooLarge) {
      copies ??= copyPool(env().databaseUrl!);
      const pool = copies;
      const { bytes, done } = metered(source, maxBytes, tooLarge);
      // one part's buffer, filled by copying and reused: a part in flight is the only copy held
      let part = 0;
      let filled = 0;
      const buffer = Buffer.allocUnsafe(ATTACHMENT_CHUNK_BYTES);
      const flush = async () => {
        await pool.copy(id, variant, part, buffer.subarray(0, filled));
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
    close() {
      void copies?.end();
      copies = undefined;
    },
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

/** Errors of a connection the server ended (SQLSTATE admin_shutdown, crash_shutdown, cannot_connect_now) or that closed, in postgres.js's codes. */
const ENDED_CONNECTION = new Set(["57P01", "57P02", "57P03", "CONNECTION_CLOSED", "CONNECTION_DESTROYED"]);

/** The store's own connections for COPY: at most COPY_CONNECTIONS copies at once, one per connection. */
interface CopyPool {
  copy(id: string, variant: Variant, part: number, data: Buffer): Promise<void>;
  end(): Promise<void>;
}

/**
 * A pool of COPY_CONNECTIONS connections used for nothing but copyPart, which never has more copies
 * in flight than connections, so postgres.js never pipelines one query behind another's copy (it
 * sends a query to a busy connection when none is free, which would break the copy). Not the
 * shared pool with `sql.reserve()`: postgres.js (3.4) hands a reserved connection that closed
 * meanwhile (a database restart mid-upload) back to the pool as if open, and the next query then
 * writes to its closed socket (an uncaught TypeError) and never settles. A connection of this pool
 * that closes is reconnected by postgres.js at its next use.
 */
function copyPool(url: string): CopyPool {
  const sql = postgres(url, { max: COPY_CONNECTIONS, onnotice: () => {}, connect_timeout: 5, idle_timeout: 60 });
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async copy(id, variant, part, data) {
      if (active < COPY_CONNECTIONS) active++;
      else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
      try {
        await copyPart(sql, id, variant, part, data);
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
    end: () => sql.end({ timeout: 5 }),
  };
}

/**
 * Stores one part with `COPY attachment_chunks … FROM STDIN (FORMAT binary)` on `sql` (copyPool's):
 * its bytes travel as they are. An insert would send them as a parameter, which postgres.js writes
 * as text (a `\x…` hex string twice the part's size, promoted to V8's old space while in flight)
 * into a message buffer it grows in steps: about 1.4 MiB of garbage per 256 KiB part, the cause of
 * a 25 MiB upload's RSS growth (issue 14, item 6; docs/attachments.md).
 *
 * Settled by wrapping the query's `resolve` and `reject`: postgres.js (3.4) resolves a COPY's query
 * with its stream on CopyInResponse and finishes the stream on CommandComplete, which comes before
 * the commit; when the server refuses the rows (the attachment row deleted meanwhile: a
 * foreign-key violation, checked at the statement's end) or the connection closes, the stream never
 * finishes, and the outcome reaches only the already-settled query (resolved again with
 * ReadyForQuery, or rejected). Resolves once the part is committed; throws the refusal (a
 * PostgresError) or the connection's error.
 */
async function copyPart(sql: Sql, id: string, variant: Variant, part: number, data: Buffer, attempt = 0): Promise<void> {
  const prefix = copyRowPrefix(id, variant, part, data.byteLength);
  const query = sql`copy attachment_chunks (attachment_id, variant, part, data) from stdin (format binary)`;
  // settled when the server is ready for the next query (the copy committed) or refused it
  let done!: () => void;
  let fail!: (err: unknown) => void;
  const settled = new Promise<void>((resolve, reject) => ((done = resolve), (fail = reject)));
  settled.catch(() => {}); // awaited below; a refusal before the stream opens rejects `writable()` instead
  const hooks = query as unknown as { resolve(value: unknown): void; reject(err: unknown): void };
  const { resolve, reject } = hooks;
  let resolutions = 0;
  hooks.resolve = (value) => {
    if (++resolutions > 1) done(); // the first hands out the stream; the second comes with ReadyForQuery
    resolve(value);
  };
  hooks.reject = (err) => {
    fail(err);
    reject(err);
  };
  let stream: Awaited<ReturnType<typeof query.writable>>;
  try {
    stream = await query.writable();
  } catch (err) {
    // a connection the server ended while idle (a restart) fails the first query sent on it; nothing
    // of the part was sent, so it is sent once more, on a new connection
    if (attempt === 0 && ENDED_CONNECTION.has(String((err as { code?: unknown })?.code))) return copyPart(sql, id, variant, part, data, 1);
    throw err;
  }
  stream.on("error", () => {}); // postgres.js destroys the stream with the refusal, which `settled` carries
  stream.write(prefix);
  stream.write(data);
  stream.end(COPY_TRAILER);
  await settled;
}
