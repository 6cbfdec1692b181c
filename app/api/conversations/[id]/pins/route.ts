import { json, otherMethods, requireAuth, route } from "@/lib/http/route";
import { pathId, queryOf } from "@/lib/http/params";
import { noQuerySchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";
import { listPins } from "@/lib/messages/pins";

type Ctx = { params: Promise<{ id: string }> };

/** The conversation's pinned messages, newest pin first → `{ messages }`; 404 for a non-member; 429 past LIMITS.history. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const conversationId = pathId((await params).id);
  parseInput(noQuerySchema, queryOf(req));
  return json({ messages: await listPins({ userId: user.id, conversationId }) });
});

const other = otherMethods("GET");
export { other as POST, other as PUT, other as PATCH, other as DELETE };
