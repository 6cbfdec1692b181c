/** Attachments as clients see them (browser-safe). DESIGN.md, "Contract additions: Messages" (`attachments`). */
import { attachmentView, type AttachmentView } from "../messages/types";

export type { AttachmentView };

/** An `attachments` row (camelCase or snake_case columns) as AttachmentView: public fields and URLs only (never the uploader or the hash). */
export function toAttachmentView(row: Record<string, unknown>): AttachmentView {
  const get = (camel: string, snake: string) => (row[camel] !== undefined ? row[camel] : row[snake]);
  const thumbnail = get("thumbnailSize", "thumbnail_size");
  return attachmentView({
    id: row.id as string,
    name: row.name as string,
    contentType: get("contentType", "content_type") as string,
    size: row.size as number | string,
    width: (row.width as number | null | undefined) ?? null,
    height: (row.height as number | null | undefined) ?? null,
    thumb: thumbnail !== null && thumbnail !== undefined,
  });
}
