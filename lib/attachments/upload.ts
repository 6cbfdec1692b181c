/**
 * Uploading a file (issue 14, items 1–3 and 6; DESIGN.md "Attachments and avatars"): streamed into
 * storage as it arrives, its type sniffed from its bytes (file-type), a raster image measured and
 * given a WebP thumbnail by sharp (orientation applied, metadata dropped). The result is unclaimed:
 * the uploader's alone until `message:send` names it.
 */
import "server-only";
import { Readable } from "node:stream";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { getSql } from "@/db";
import { AppError } from "../platform/errors";
import { env } from "../platform/env";
import { consume } from "../platform/rate-limit";
import { imageJob, mayDecode, MAX_STREAMED_PIXELS } from "../platform/images";
import { cleanFileName } from "./file-name";
import { isRasterImage, THUMBNAIL_MAX_PX } from "./rules";
import { attachmentStore } from "./store";
import { toAttachmentView, type AttachmentView } from "./types";

/** Re-exported: the name rule is upload's, kept in its own module for unit tests. */
export { cleanFileName };

/** Whether the bytes read as UTF-8 text (no NUL, no broken sequence except one cut at the end). */
function looksLikeText(head: Buffer, whole: boolean): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(whole ? head : head.subarray(0, Math.max(0, head.byteLength - 3)));
    return true;
  } catch {
    return false;
  }
}

/** The type a file's bytes show: a known signature (file-type), else UTF-8 text, else octet-stream. */
async function sniff(head: Buffer, size: number): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (found) return found.mime;
  return looksLikeText(head, head.byteLength >= size) ? "text/plain; charset=utf-8" : "application/octet-stream";
}

/**
 * An image's size as shown (EXIF orientation applied) and its thumbnail, or null when sharp cannot
 * read it or decoding it would cost more than ../platform/images.ts allows (read from its header
 * first). At most IMAGE_JOBS decode at once.
 */
async function thumbnailOf(source: Readable): Promise<{ width: number; height: number; thumbnail: Buffer } | null> {
  const image = sharp({ limitInputPixels: MAX_STREAMED_PIXELS, failOn: "error", sequentialRead: true });
  source.pipe(image);
  try {
    const meta = await image.clone().metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    if (!meta.width || !meta.height || !mayDecode(meta)) return null;
    const thumbnail = await image
      .clone()
      .rotate()
      .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return { width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, thumbnail };
  } catch {
    return null;
  } finally {
    source.destroy();
  }
}

/**
 * Stores an upload for `userId`: `name` as the client gave it (cleaned), `source` the file's bytes.
 * Throws `rate_limited` past LIMITS.upload; `payload_too_large` when the file is larger than
 * UPLOAD_MAX_BYTES or would take the account past UPLOAD_QUOTA_BYTES, checked again atomically as
 * it finishes, so parallel uploads cannot pass it together (nothing is kept then).
 * Answers the unclaimed attachment.
 */
export async function uploadAttachment({ userId, name, source }: { userId: string; name: string; source: AsyncIterable<Buffer> }): Promise<AttachmentView> {
  await consume("upload", userId);
  const { uploadMaxBytes, uploadQuotaBytes } = env();
  const sql = getSql();
  const store = attachmentStore();
  const [{ used }] = await sql<{ used: string }[]>`select coalesce(sum(size + coalesce(thumbnail_size, 0)), 0)::text as used from attachments where uploader_id = ${userId}`;
  const room = uploadQuotaBytes - Number(used);
  if (room <= 0) throw new AppError("payload_too_large", "Your files take all the space you have. Delete some messages with files first.");
  // the row exists from the start (its parts refer to it); an empty sha256 marks it unfinished, which nothing serves
  const [row] = await sql<{ id: string }[]>`insert into attachments (uploader_id, name, content_type, size, sha256, store) values (${userId}, ${cleanFileName(name)}, 'application/octet-stream', 0, '', ${store.kind}) returning id`;
  try {
    const limit = Math.min(uploadMaxBytes, room);
    const tooLarge = limit === uploadMaxBytes ? `A file may be at most ${uploadMaxBytes} bytes` : "This file would take you past your storage quota";
    const { size, sha256, head } = await store.write(row.id, "file", source, limit, tooLarge);
    let contentType = await sniff(head, size);
    let image: Awaited<ReturnType<typeof thumbnailOf>> = null;
    if (isRasterImage(contentType)) {
      image = await imageJob(() => thumbnailOf(Readable.from(store.read(row.id, "file", 0, size - 1))));
      // an "image" no decoder reads is offered as a download, not shown
      if (!image) contentType = "application/octet-stream";
    }
    if (image) await store.write(row.id, "thumbnail", [image.thumbnail], Infinity, "");
    const thumbnailSize = image?.thumbnail.byteLength ?? 0;
    // The check above only sized the stream: uploads running side by side all saw the same room.
    // The account's uploads finish one at a time (a transaction-level advisory lock per user), each
    // against the finished ones, so together they never pass the quota.
    const done = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtextextended(${`attachments.quota:${userId}`}, 0))`;
      const [{ kept }] = await tx<{ kept: string }[]>`
        select coalesce(sum(size + coalesce(thumbnail_size, 0)), 0)::text as kept from attachments
        where uploader_id = ${userId} and sha256 <> '' and id <> ${row.id}`;
      if (Number(kept) + size + thumbnailSize > uploadQuotaBytes) throw new AppError("payload_too_large", "This file would take you past your storage quota");
      const [finished] = await tx`
        update attachments set content_type = ${contentType}, size = ${size}, sha256 = ${sha256},
          width = ${image?.width ?? null}, height = ${image?.height ?? null}, thumbnail_size = ${image?.thumbnail.byteLength ?? null}
        where id = ${row.id} returning *`;
      return finished;
    });
    if (!done) throw new AppError("not_found", "The upload was removed while it arrived");
    return toAttachmentView(done);
  } catch (err) {
    // the row's deletion queues its bytes for removal (lib/attachments/reaper.ts); queued again in
    // case the row was already gone (an account deleted mid-upload) when the bytes were written
    await sql`delete from attachments where id = ${row.id}`.catch(() => {});
    await sql`insert into attachment_removals (attachment_id, store) values (${row.id}, ${store.kind}) on conflict do nothing`.catch(() => {});
    // PostgreSQL refuses the parts of a row deleted meanwhile (a foreign-key violation): the same
    // answer as when the row is found gone at the end, not a 500
    if ((err as { code?: unknown })?.code === "23503") throw new AppError("not_found", "The upload was removed while it arrived");
    throw err;
  }
}
