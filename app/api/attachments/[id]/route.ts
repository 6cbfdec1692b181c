import { otherMethods, requireAuth, route } from "@/lib/http/route";
import { pathId, queryOf } from "@/lib/http/params";
import { downloadResponse } from "@/lib/http/download";
import { openAttachment } from "@/lib/attachments/download";
import { deleteUnclaimed } from "@/lib/attachments/remove";
import { noQuerySchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";

type Ctx = { params: Promise<{ id: string }> };

/**
 * The file's bytes, for members of its conversation (or its uploader before it is sent); 404 for
 * anyone else. Raster images `inline`, everything else `attachment`; nosniff, a sandboxing CSP, a
 * strong ETag (304 on If-None-Match), one byte range (206 / 416). 401; 429 past LIMITS.download.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id, "file");
  parseInput(noQuerySchema, queryOf(req));
  return downloadResponse(req, await openAttachment({ userId: user.id, id, variant: "file" }));
});

/** Removes one's own upload that was never sent (a file taken off the composer) → 204; 404 otherwise; 429 past LIMITS.uploadDelete. */
export const DELETE = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id, "file");
  parseInput(noQuerySchema, queryOf(req));
  await deleteUnclaimed({ userId: user.id, id });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});

const other = otherMethods("GET", "DELETE");
export { other as POST, other as PUT, other as PATCH };
