import { renameGroup } from "@/lib/conversations/service";
import { getConversationView } from "@/lib/conversations/store";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { pathId } from "@/lib/http/params";
import { parseInput } from "@/lib/platform/validation";
import { renameConversationSchema } from "@/lib/conversations/schemas";

type Ctx = { params: Promise<{ id: string }> };

/** One conversation as the caller sees it: `{ conversation }`; 404 for a non-member. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  return json({ conversation: await getConversationView({ userId: user.id, conversationId: pathId((await params).id) }) });
});

/** Renames a group (owner or admin): `{ title }` → `{ conversation }`. */
export const PATCH = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id);
  const { title } = parseInput(renameConversationSchema, await readJson(req));
  return json({ conversation: await renameGroup({ userId: user.id, conversationId: id, title }) });
});

const other = otherMethods("GET", "PATCH");
export { other as POST, other as PUT, other as DELETE };
