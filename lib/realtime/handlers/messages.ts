/** The messages domain's client events: each parses, makes one domain call as the socket's user, and shapes the ack. */
import "server-only";
import { deleteMessage, editMessage } from "../../messages/edit";
import { syncMessages } from "../../messages/history";
import { pinMessage } from "../../messages/pins";
import { markRead } from "../../messages/read";
import { addReaction, removeReaction } from "../../messages/reactions";
import { deleteMessageSchema, editMessageSchema, pinMessageSchema, reactionSchema, readSchema, sendMessageSchema, syncSchema } from "../../messages/schemas";
import { sendMessage } from "../../messages/send";
import type { On } from "./ack";

/** `message:send`, `message:edit`, `message:delete`, `reaction:add`, `reaction:remove`, `message:pin`, `sync` and `conversation:read` for the user `userId`. */
export function registerMessageHandlers(on: On, userId: string): void {
  on("message:send", sendMessageSchema, async ({ conversationId, clientId, body, replyTo, attachmentIds }) => {
    const { message } = await sendMessage({ conversationId, clientId, body, replyTo, attachmentIds, senderId: userId });
    return { message };
  });
  on("message:edit", editMessageSchema, async ({ messageId, body }) => ({ message: await editMessage({ userId, messageId, body }) }));
  on("message:delete", deleteMessageSchema, async ({ messageId }) => ({ message: await deleteMessage({ userId, messageId }) }));
  on("reaction:add", reactionSchema, async ({ messageId, emoji }) => ({ message: await addReaction({ userId, messageId, emoji }) }));
  on("reaction:remove", reactionSchema, async ({ messageId, emoji }) => ({ message: await removeReaction({ userId, messageId, emoji }) }));
  on("message:pin", pinMessageSchema, async ({ messageId, pinned }) => ({ message: await pinMessage({ userId, messageId, pinned }) }));
  on("sync", syncSchema, async ({ since }) => syncMessages({ userId, since }));
  on("conversation:read", readSchema, async ({ conversationId, seq }) => ({ seq: await markRead({ userId, conversationId, seq }) }));
}
