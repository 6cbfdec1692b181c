import { otherMethods, requireAuth, route } from "@/lib/http/route";
import { pathId, queryOf } from "@/lib/http/params";
import { downloadResponse } from "@/lib/http/download";
import { openAttachment } from "@/lib/attachments/download";
import { noQuerySchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";

type Ctx = { params: Promise<{ id: string }> };

/** An image attachment's thumbnail (WebP, at most 480 px a side), to the same readers as the file; 404 when it has none. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id, "file");
  parseInput(noQuerySchema, queryOf(req));
  return downloadResponse(req, await openAttachment({ userId: user.id, id, variant: "thumbnail" }));
});

const other = otherMethods("GET");
export { other as POST, other as PUT, other as PATCH, other as DELETE };
