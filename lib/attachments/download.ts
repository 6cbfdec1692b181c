/**
 * Who may read an attachment, and what a download carries (issue 14, item 3; DESIGN.md
 * "Attachments and avatars"): the members of its message's conversation now, or before it is
 * claimed its uploader alone; anyone else, and anything unfinished, is `not_found`.
 */
import "server-only";
import { getSql } from "@/db";
import { AppError } from "../platform/errors";
import { consume } from "../platform/rate-limit";
import { isRasterImage } from "./rules";
import { storeOf, type StoreKind, type Variant } from "./store";

/** What a download of one variant needs to answer: its type, length, validator and bytes (lib/http/download.ts serves it). */
export interface ServedFile {
  id: string;
  name: string;
  contentType: string;
  size: number;
  /** the strong validator: the SHA-256 of the file (the thumbnail's is derived from it) */
  etag: string;
  /** shown in the page (raster images and thumbnails) or saved (everything else) */
  inline: boolean;
  read(start: number, end: number): AsyncGenerator<Buffer>;
}

/**
 * The attachment `id` (its `variant`) as `userId` may read it. Throws `not_found` for anyone but a
 * member of its conversation (or, unclaimed, its uploader), for an unfinished upload and for a
 * thumbnail an attachment does not have; `rate_limited` past LIMITS.download.
 */
export async function openAttachment({ userId, id, variant }: { userId: string; id: string; variant: Variant }): Promise<ServedFile> {
  await consume("download", userId);
  const sql = getSql();
  const [row] = await sql<{ name: string; content_type: string; size: string; sha256: string; thumbnail_size: string | null; store: StoreKind }[]>`
    select a.name, a.content_type, a.size, a.sha256, a.thumbnail_size, a.store from attachments a
    where a.id = ${id} and a.sha256 <> ''
      and (case when a.message_id is null then a.uploader_id = ${userId}
           else exists (select 1 from members m where m.conversation_id = a.conversation_id and m.user_id = ${userId}) end)`;
  if (!row || (variant === "thumbnail" && row.thumbnail_size === null)) throw new AppError("not_found", "No such file");
  const size = Number(variant === "file" ? row.size : row.thumbnail_size);
  const store = storeOf(row.store);
  return {
    id,
    name: row.name,
    contentType: variant === "file" ? row.content_type : "image/webp",
    size,
    etag: `"${variant === "file" ? row.sha256 : `${row.sha256.slice(0, 32)}-t`}"`,
    inline: variant === "thumbnail" || isRasterImage(row.content_type),
    read: (start, end) => store.read(id, variant, start, end),
  };
}
