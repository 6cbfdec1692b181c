import { conversationSettingsSchema } from "@/lib/conversations/schemas";
import { updateConversationSettings } from "@/lib/conversations/settings";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { pathId } from "@/lib/http/params";
import { parseInput } from "@/lib/platform/validation";

/**
 * The caller's own settings in a conversation: `{ notifications: "all" | "mentions" | "none" }` →
 * `{ conversation }` (their view, with the new level). 400 for anything else in the body, 404 for a
 * non-member, 429 past LIMITS.conversationSettings; the caller's other tabs get `conversation:updated`.
 */
export const PATCH = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const id = pathId((await params).id);
  const settings = parseInput(conversationSettingsSchema, await readJson(req));
  return json({ conversation: await updateConversationSettings({ userId: user.id, conversationId: id, settings }) });
});

const other = otherMethods("PATCH");
export { other as GET, other as POST, other as PUT, other as DELETE };
