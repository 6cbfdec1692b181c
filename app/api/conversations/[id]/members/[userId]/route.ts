import { removeMember } from "@/lib/conversations/service";
import { json, otherMethods, requireAuth, route } from "@/lib/http/route";
import { pathId } from "@/lib/http/params";

/** Removes a member, or leaves when the user id is the caller's own. */
export const DELETE = route<{ params: Promise<{ id: string; userId: string }> }>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const p = await params;
  await removeMember({ userId: user.id, conversationId: pathId(p.id), targetId: pathId(p.userId, "member") });
  return json({ ok: true });
});

const other = otherMethods("DELETE");
export { other as GET, other as POST, other as PUT, other as PATCH };
