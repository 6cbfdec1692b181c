/**
 * Attachment bytes in an S3-compatible store (ATTACHMENT_STORE=s3; docs/attachments.md "Storage"):
 * one object per variant, `attachments/<id>/file` and `attachments/<id>/thumbnail`. Written with
 * the AWS SDK's multipart Upload (@aws-sdk/lib-storage), which streams a body of unknown length in
 * parts, one part at a time, so a 25 MiB upload holds about two parts (issue 14, item 6); read with
 * ranged GetObject requests, streamed.
 */
import "server-only";
import { Readable } from "node:stream";
import { DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Settings } from "../platform/env";
import { log } from "../platform/log";
import { metered, type AttachmentStore, type Variant } from "./store-contract";

/** An upload's part size, in bytes: S3's smallest (every part but the last must be at least 5 MiB). */
export const S3_PART_BYTES = 5 * 1024 * 1024;
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
      let sourceFailed: { error: unknown } | undefined;
      const body = (async function* () {
        try {
          yield* bytes;
        } catch (error) {
          sourceFailed = { error };
          throw error;
        }
      })();
      const upload = new Upload({
        client,
        // highWaterMark 1: no read-ahead beyond the chunk being taken into the current part
        params: { Bucket, Key: objectKey(id, variant), Body: Readable.from(body, { highWaterMark: 1 }), ContentType: "application/octet-stream" },
        partSize: S3_PART_BYTES,
        // one part in flight: memory stays at about two parts whatever the file's size
        queueSize: 1,
        // a failed upload (over the limit, the client gone, S3 refusing) is aborted: its parts are deleted
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        if (!sourceFailed) throw err;
        // the Upload answers the abort's own error when aborting failed too (s3rver has no
        // AbortMultipartUpload): the caller needs the source's (payload_too_large → 413)
        if (err !== sourceFailed.error) log.warn("[attachments]", "an abandoned S3 upload's parts were not deleted:", err instanceof Error ? err.message : String(err));
        throw sourceFailed.error;
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
