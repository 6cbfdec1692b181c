/**
 * What an attachment store does (docs/attachments.md "Storage"), whichever holds the bytes:
 * PostgreSQL (./store-postgres.ts) or an S3-compatible service (./store-s3.ts). ./store.ts picks one.
 */
import "server-only";
import { createHash } from "node:crypto";
import { AppError } from "../platform/errors";
import { passedOn } from "../platform/memory";

/** The stored variants of an attachment: the file as uploaded, and an image's WebP thumbnail. */
export type Variant = "file" | "thumbnail";

/** The stores there are (ATTACHMENT_STORE), as `attachments.store` names them. */
export type StoreKind = "postgres" | "s3";

/** What a write measured: the byte count, the hex SHA-256, and up to HEAD_BYTES leading bytes (for sniffing the type). */
export interface Written {
  size: number;
  sha256: string;
  head: Buffer;
}

/** How many leading bytes a write keeps for sniffing the type (file-type reads at most 4100 for most kinds). */
export const HEAD_BYTES = 64 * 1024;

/**
 * Where attachment bytes live. A store never holds a file whole in memory (issue 14, item 6): it
 * writes as the bytes arrive and reads a piece at a time.
 */
export interface AttachmentStore {
  readonly kind: StoreKind;
  /**
   * Stores `source` as the `variant` of attachment `id` (whose row must exist), hashing as it goes.
   * Throws AppError `payload_too_large` with the message `tooLarge` as soon as more than `maxBytes`
   * bytes arrive, and an error of the source's own when it fails (a client gone away); either way
   * the write leaves no S3 object, while PostgreSQL parts written so far stay until the row is
   * deleted (an unfinished row, an empty sha256, is never served).
   */
  write(id: string, variant: Variant, source: AsyncIterable<Buffer> | Iterable<Buffer>, maxBytes: number, tooLarge: string): Promise<Written>;
  /**
   * The bytes `start`..`end` (inclusive, 0-based) of a stored variant, in pieces as they come; ends
   * early (without an error) when the bytes were deleted meanwhile. Nothing when `end < start`.
   */
  read(id: string, variant: Variant, start: number, end: number): AsyncGenerator<Buffer>;
  /**
   * Deletes every variant of the attachments `ids` whose rows are gone; ids never stored are fine.
   * Throws when the store could not delete them all (the caller keeps them queued and retries).
   */
  remove(ids: string[]): Promise<void>;
  /** Throws when the store cannot be reached (an S3 bucket missing or refused), for a warning at start. */
  check(): Promise<void>;
  /** Lets go of connections the store holds of its own (not the database pool). */
  close(): void;
}

/**
 * Passes `source` through, counting, hashing and keeping its head; `done()` answers the measure
 * once the source is consumed. Throws `payload_too_large` (`tooLarge`) before yielding the chunk
 * that takes it past `maxBytes`, so nothing past the limit is ever stored.
 */
export function metered(source: AsyncIterable<Buffer> | Iterable<Buffer>, maxBytes: number, tooLarge: string): { bytes: AsyncGenerator<Buffer>; done(): Written } {
  const hash = createHash("sha256");
  let size = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  async function* bytes(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new AppError("payload_too_large", tooLarge);
      hash.update(chunk);
      // a copy: a view would keep the whole chunk (busboy's, up to 64 KiB) alive with the head
      if (headBytes < HEAD_BYTES) head.push(Buffer.from(chunk.subarray(0, HEAD_BYTES - headBytes)));
      headBytes = Math.min(HEAD_BYTES, headBytes + chunk.byteLength);
      yield chunk;
      passedOn(chunk.byteLength); // the chunk and its copies are garbage now: collected every 2 MiB
    }
  }
  return { bytes: bytes(), done: () => ({ size, sha256: hash.digest("hex"), head: Buffer.concat(head) }) };
}
