import { json, otherMethods, readJson, readRoute, requireAuth, route } from "@/lib/http/route";
import { historyRead } from "@/lib/http/reads";
import { sendMessage } from "@/lib/messages/send";
import { pathId } from "@/lib/http/params";
import { restSendMessageSchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";

type Ctx = { params: Promise<{ id: string }> };

/** History by seq (lib/http/reads.ts historyRead; server.ts answers the GET before Next). */
export const GET = readRoute(historyRead);

/** The same semantics as the socket's message:send: 201 when stored, 200 with the stored copy on a retry. */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const conversationId = pathId((await params).id);
  const { clientId, body, replyTo, attachmentIds } = parseInput(restSendMessageSchema, await readJson(req));
  const { message, created } = await sendMessage({ conversationId, clientId, body, replyTo, attachmentIds, senderId: user.id });
  return json({ message }, created ? 201 : 200);
});

const other = otherMethods("GET", "POST");
export { other as PUT, other as PATCH, other as DELETE };
