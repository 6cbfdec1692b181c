import { getConversationView, renameGroup } from "@/lib/conversations/service";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { pathId } from "@/lib/http/params";
import { parseInput } from "@/lib/platform/validation";
import { renameConversationSchema } from "@/lib/conversations/schemas";

type Ctx = { params: Promise<{ id: string }> };

export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  return json({ conversation: await getConversationView(user.id, pathId((await params).id)) });
});

export const PATCH = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id);
  const { title } = parseInput(renameConversationSchema, await readJson(req));
  return json({ conversation: await renameGroup(user.id, id, title) });
});

const other = otherMethods("GET", "PATCH");
export { other as POST, other as PUT, other as DELETE };
