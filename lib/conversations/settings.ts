/**
 * A member's own settings in a conversation: the notification level (DESIGN.md, "Contract
 * additions: Conversations"). Private to that member: the change is announced to their own sockets
 * only (`conversation.changed` naming just them), never to the other members.
 */
import "server-only";
import { transaction } from "@/db/transaction";
import { limited } from "../platform/rate-limit";
import { noSuchConversation } from "./access";
import "./events";
import type { ConversationSettingsInput } from "./schemas";
import { getConversationView } from "./store";
import type { ConversationView } from "./types";

/**
 * Sets `userId`'s notification level in `conversationId` and answers their view of it. A change
 * publishes `conversation.changed` for `userId` alone (their other tabs get `conversation:updated`);
 * setting the level it already has publishes nothing. Throws `rate_limited` past
 * LIMITS.conversationSettings, `not_found` for a conversation the caller is not a member of.
 */
export async function updateConversationSettings({ userId, conversationId, settings }: { userId: string; conversationId: string; settings: ConversationSettingsInput }): Promise<ConversationView> {
  return limited("conversationSettings", userId, async () => {
    await transaction(async (tx, emit) => {
      const [row] = await tx`
        update members m set notifications = ${settings.notifications}
        from members old
        where m.conversation_id = ${conversationId} and m.user_id = ${userId}
          and old.conversation_id = m.conversation_id and old.user_id = m.user_id
        returning old.notifications as before`;
      if (!row) throw noSuchConversation();
      if (row.before !== settings.notifications) emit({ type: "conversation.changed", conversationId, userIds: [userId] });
    });
    return getConversationView({ userId, conversationId });
  });
}
