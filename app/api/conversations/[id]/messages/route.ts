import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { readHistory } from "@/lib/messages/history";
import { sendMessage } from "@/lib/messages/send";
import { pathId } from "@/lib/http/params";
import { historyQuerySchema, restSendMessageSchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";

type Ctx = { params: Promise<{ id: string }> };

/** History by seq (`before`, `after`, `limit`): `{ messages, hasMore }`, ascending; 404 for a non-member. */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id);
  const query = parseInput(historyQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  return json(await readHistory({ userId: user.id, conversationId: id, query }));
});

/** The same semantics as the socket's message:send: 201 when stored, 200 with the stored copy on a retry. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const conversationId = pathId((await params).id);
  const { clientId, body } = parseInput(restSendMessageSchema, await readJson(req));
  const { message, created } = await sendMessage({ conversationId, clientId, body, senderId: user.id });
  return json({ message }, created ? 201 : 200);
});

const other = otherMethods("GET", "POST");
export { other as PUT, other as PATCH, other as DELETE };
