import { addMembers } from "@/lib/conversations/service";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { pathId } from "@/lib/http/params";
import { addMembersSchema } from "@/lib/conversations/schemas";
import { parseInput } from "@/lib/platform/validation";

/** Adds people to a group (owner or admin): `{ userIds }` → `{ conversation }`; 400, 403, 404 as lib/conversations/service.ts addMembers. */
export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id);
  const { userIds } = parseInput(addMembersSchema, await readJson(req));
  return json({ conversation: await addMembers({ userId: user.id, conversationId: id, userIds }) });
});

const other = otherMethods("POST");
export { other as GET, other as PUT, other as PATCH, other as DELETE };
