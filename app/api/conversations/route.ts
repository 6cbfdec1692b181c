import { createConversation } from "@/lib/conversations/service";
import { listConversations } from "@/lib/conversations/store";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { createConversationSchema } from "@/lib/conversations/schemas";
import { parseInput } from "@/lib/platform/validation";

/** The caller's conversations, newest activity first: `{ conversations }`. */
export const GET = route(async (req) => {
  const { user } = await requireAuth(req);
  return json({ conversations: await listConversations({ userId: user.id }) });
});

/** A direct conversation (the existing one when there is one: 200) or a new group (201). */
export const POST = route(async (req) => {
  const { user } = await requireAuth(req);
  const input = parseInput(createConversationSchema, await readJson(req));
  const { conversation, created } = await createConversation({ userId: user.id, input });
  return json({ conversation }, created ? 201 : 200);
});

const other = otherMethods("GET", "POST");
export { other as PUT, other as PATCH, other as DELETE };
