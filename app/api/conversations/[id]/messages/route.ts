import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { readAround, readHistory } from "@/lib/messages/history";
import { AppError } from "@/lib/platform/errors";
import { sendMessage } from "@/lib/messages/send";
import { pathId, queryOf } from "@/lib/http/params";
import { historyQuerySchema, restSendMessageSchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";

type Ctx = { params: Promise<{ id: string }> };

/**
 * History by seq, ascending: `before` / `after` / the newest page → `{ messages, hasMore }`;
 * `around=SEQ` → `{ messages, hasMoreBefore, hasMoreAfter }` (a page centred there, DESIGN.md);
 * `limit` 1..100 (default 50). 400 for `around` with `before` or `after`; 404 for a non-member.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id);
  const { around, ...query } = parseInput(historyQuerySchema, queryOf(req));
  if (around !== undefined) {
    if (query.before !== undefined || query.after !== undefined) throw new AppError("bad_request", "around cannot be combined with before or after");
    return json(await readAround({ userId: user.id, conversationId: id, around, limit: query.limit }));
  }
  return json(await readHistory({ userId: user.id, conversationId: id, query }));
});

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
