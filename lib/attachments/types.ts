/** Attachments as clients see them (browser-safe). DESIGN.md, "Contract additions: Messages" (`attachments`). */
import type { AttachmentView } from "../messages/types";

export type { AttachmentView };

/** The URL that serves an attachment's bytes. */
export const attachmentUrl = (id: string) => `/api/attachments/${id}`;

/** An `attachments` row (camelCase or snake_case columns) as AttachmentView: public fields and URLs only (never the uploader or the hash). */
export function toAttachmentView(row: Record<string, unknown>): AttachmentView {
  const get = (camel: string, snake: string) => (row[camel] !== undefined ? row[camel] : row[snake]);
  const id = row.id as string;
  const thumbnail = get("thumbnailSize", "thumbnail_size");
  const width = get("width", "width") as number | null;
  const height = get("height", "height") as number | null;
  return {
    id,
    name: row.name as string,
    contentType: get("contentType", "content_type") as string,
    size: Number(row.size),
    width: width ?? null,
    height: height ?? null,
    url: attachmentUrl(id),
    thumbnailUrl: thumbnail === null || thumbnail === undefined ? null : `${attachmentUrl(id)}/thumbnail`,
  };
}
