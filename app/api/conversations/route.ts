import { createConversation } from "@/lib/conversations/service";
import { conversationListRead } from "@/lib/http/reads";
import { json, otherMethods, readJson, readRoute, requireAuth, route } from "@/lib/http/route";
import { createConversationSchema } from "@/lib/conversations/schemas";
import { parseInput } from "@/lib/platform/validation";

/** The caller's conversations, newest activity first: `{ conversations }` (lib/http/reads.ts; server.ts answers the GET before Next). */
export const GET = readRoute(conversationListRead);

/** A direct conversation (the existing one when there is one: 200) or a new group (201). */
export const POST = route(async (req) => {
  const { user } = await requireAuth(req);
  const input = parseInput(createConversationSchema, await readJson(req));
  const { conversation, created } = await createConversation({ userId: user.id, input });
  return json({ conversation }, created ? 201 : 200);
});

const other = otherMethods("GET", "POST");
export { other as PUT, other as PATCH, other as DELETE };
