import { json, otherMethods, requireAuth, route } from "@/lib/http/route";
import { withUploadedFile } from "@/lib/http/multipart";
import { uploadAttachment } from "@/lib/attachments/upload";
import { removeAttachment } from "@/lib/attachments/remove";

/**
 * Uploads one file: multipart/form-data with the field `file` → 201 `{ attachment }` (AttachmentView,
 * unclaimed: only the uploader can read it until `message:send` names it; removed after 24 h if never
 * sent). 400 for a body that is not one file; 401; 413 past UPLOAD_MAX_BYTES (a declared
 * Content-Length is refused before any byte is read) or the storage quota; 429 past LIMITS.upload.
 * The type is sniffed from the bytes (docs/attachments.md).
 */
export const POST = route(async (req) => {
  const { user } = await requireAuth(req);
  const attachment = await withUploadedFile(
    req,
    "file",
    ({ name, bytes }) => uploadAttachment({ userId: user.id, name, source: bytes }),
    (made) => removeAttachment(made.id),
  );
  return json({ attachment }, 201);
});

const other = otherMethods("POST");
export { other as GET, other as PUT, other as PATCH, other as DELETE };
