import { addMembers } from "@/lib/conversations";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http";
import { pathId } from "@/lib/route-params";
import { addMembersSchema, parseInput } from "@/lib/validation";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id);
  const { userIds } = parseInput(addMembersSchema, await readJson(req));
  return json({ conversation: await addMembers(user.id, id, userIds) });
});

const other = otherMethods("POST");
export { other as GET, other as PUT, other as PATCH, other as DELETE };
