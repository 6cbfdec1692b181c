/**
 * Attachment bytes in an S3-compatible store (ATTACHMENT_STORE=s3; docs/attachments.md "Storage"):
 * one object per variant, `attachments/<id>/file` and `attachments/<id>/thumbnail`. Written as a
 * multipart upload (client-s3's CreateMultipartUpload, UploadPart, CompleteMultipartUpload) from one
 * part buffer reused for every part, one part in flight, or one PutObject within a part: a 25 MiB
 * upload holds one part, 5 MiB (issue 14, item 6). @aws-sdk/lib-storage's Upload, used before,
 * gathered each part's chunks and concatenated them into a new buffer, so about two parts were
 * held and one more left for the collector. Read with ranged GetObject requests, streamed.
 */
import "server-only";
import type { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { S3Settings } from "../platform/env";
import { log } from "../platform/log";
import { metered, type AttachmentStore, type Variant } from "./store-contract";

/** An upload's part size, in bytes: S3's smallest (every part but the last must be at least 5 MiB). */
export const S3_PART_BYTES = 5 * 1024 * 1024;
/**
 * Part buffers that finished uploads hand back for the next ones (at most SPARE_PARTS kept): a new
 * 5 MiB buffer per upload was freed only by a later collection and grew RSS 5–8 MiB per upload.
 */
const spareParts: Buffer[] = [];
const SPARE_PARTS = 2;
/** Keys per DeleteObjects request: S3 takes at most 1000. */
const DELETE_BATCH_KEYS = 1000;
const VARIANTS: Variant[] = ["file", "thumbnail"];

/** The object key of one variant of an attachment: `attachments/<id>/<variant>`. */
export function objectKey(id: string, variant: Variant): string {
  return `attachments/${id}/${variant}`;
}

/** Whether an SDK error says the object is not there (GetObject's NoSuchKey, or a bare 404). */
function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
}

/** The S3 store for `settings` (env().s3). Its client keeps connections open until `close()`. */
export function s3Store(settings: S3Settings): AttachmentStore {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    // an endpoint is a single host (MinIO, s3rver…): the bucket goes in the path, not the host name
    forcePathStyle: settings.endpoint !== undefined,
    credentials: settings.credentials,
    // checksums only where S3 demands them (DeleteObjects): not every S3-compatible store reads
    // the CRC32 headers the SDK adds to every upload by default; integrity is our own SHA-256
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = settings.bucket;

  return {
    kind: "s3",
    async write(id, variant, source, maxBytes, tooLarge) {
      const { bytes, done } = metered(source, maxBytes, tooLarge);
      const Key = objectKey(id, variant);
      const ContentType = "application/octet-stream";
      // one part's buffer, filled by copying and reused for every part; 64 KiB until more arrives
      // (a thumbnail does not take 5 MiB), then a whole part at once (growing by steps would leave
      // a part's worth of smaller buffers to the collector)
      let buffer: Buffer = Buffer.allocUnsafe(64 * 1024);
      let filled = 0;
      let UploadId: string | undefined;
      const parts: { ETag?: string; PartNumber: number }[] = [];
      const flush = async () => {
        UploadId ??= (await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType }))).UploadId;
        const PartNumber = parts.length + 1;
        const { ETag } = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: buffer.subarray(0, filled) }));
        parts.push({ ETag, PartNumber });
        filled = 0;
      };
      try {
        for await (const chunk of bytes) {
          let offset = 0;
          while (offset < chunk.byteLength) {
            if (filled === buffer.byteLength) {
              const grown = spareParts.pop() ?? Buffer.allocUnsafe(S3_PART_BYTES);
              buffer.copy(grown, 0, 0, filled);
              buffer = grown;
            }
            const n = chunk.copy(buffer, filled, offset);
            filled += n;
            offset += n;
            if (filled === S3_PART_BYTES) await flush();
          }
        }
        if (UploadId === undefined) {
          // within one part: a single PutObject, as lib-storage does
          await client.send(new PutObjectCommand({ Bucket, Key, ContentType, Body: buffer.subarray(0, filled) }));
        } else {
          if (filled > 0) await flush();
          await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
        }
      } catch (err) {
        // a failed upload (over the limit, the client gone, S3 refusing) is aborted: its parts are
        // deleted. The caller gets the first error (payload_too_large → 413), whatever the abort
        // answers (s3rver has no AbortMultipartUpload: its parts stay on its disk)
        if (UploadId !== undefined) {
          await client
            .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }))
            .catch((abort: unknown) => log.warn("attachments", "an abandoned S3 upload's parts were not deleted:", abort instanceof Error ? abort.message : String(abort)));
        }
        throw err;
      } finally {
        // nothing refers to it now: the part in flight, if any, was sent or abandoned
        if (buffer.byteLength === S3_PART_BYTES && spareParts.length < SPARE_PARTS) spareParts.push(buffer);
      }
      return done();
    },

    async *read(id, variant, start, end) {
      if (end < start) return;
      let body: Readable;
      // what the answer holds before `start` (none when it honours the range) and how much to give
      let skip: number;
      let left = end - start + 1;
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(id, variant), Range: `bytes=${start}-${end}` }));
        body = answer.Body as Readable;
        // a store that ignores Range answers the whole object (200, no Content-Range)
        skip = answer.ContentRange ? 0 : start;
      } catch (err) {
        if (isMissing(err)) return; // deleted meanwhile: the response ends short, and the client sees it did
        throw err;
      }
      try {
        // never more than was asked: s3rver answers "bytes=0-0" with the whole object, and a
        // download's Content-Length promises exactly this many
        for await (const received of body) {
          let chunk = received as Buffer;
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.byteLength);
            skip -= dropped;
            chunk = chunk.subarray(dropped);
          }
          if (chunk.byteLength === 0) continue;
          if (chunk.byteLength > left) chunk = chunk.subarray(0, left);
          left -= chunk.byteLength;
          yield chunk;
          if (left === 0) return;
        }
      } finally {
        body.destroy(); // a download cancelled or done half-way: the rest is not fetched
      }
    },

    async remove(ids) {
      const keys = ids.flatMap((id) => VARIANTS.map((variant) => ({ Key: objectKey(id, variant) })));
      for (let i = 0; i < keys.length; i += DELETE_BATCH_KEYS) {
        const answer = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.slice(i, i + DELETE_BATCH_KEYS), Quiet: true } }));
        // a key that was never written (an image-less file has no thumbnail) is no failure
        const failed = (answer.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
        if (failed.length) throw new Error(`S3 kept ${failed.length} object(s): ${failed[0].Key} ${failed[0].Code} ${failed[0].Message ?? ""}`.trim());
      }
    },

    async check() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },

    close() {
      client.destroy();
    },
  };
}
