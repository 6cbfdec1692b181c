/** The messages domain's client events: each parses, makes one domain call as the socket's user, and shapes the ack. */
import "server-only";
import { deleteMessage, editMessage } from "../../messages/edit";
import { syncMessages } from "../../messages/history";
import { pinMessage } from "../../messages/pins";
import { markRead } from "../../messages/read";
import { addReaction, removeReaction } from "../../messages/reactions";
import { deleteMessageSchema, editMessageSchema, pinMessageSchema, reactionSchema, readSchema, sendMessageSchema, syncSchema } from "../../messages/schemas";
import { sendMessage } from "../../messages/send";
import { handler } from "./ack";

/** `message:send`, `message:edit`, `message:delete`, `reaction:add`, `reaction:remove`, `message:pin`, `sync` and `conversation:read`, each as the socket's user. */
export const MESSAGE_HANDLERS = {
  "message:send": handler(sendMessageSchema, async ({ conversationId, clientId, body, replyTo, attachmentIds }, { userId }) => {
    const { message } = await sendMessage({ conversationId, clientId, body, replyTo, attachmentIds, senderId: userId });
    return { message };
  }),
  "message:edit": handler(editMessageSchema, async ({ messageId, body }, { userId }) => ({ message: await editMessage({ userId, messageId, body }) })),
  "message:delete": handler(deleteMessageSchema, async ({ messageId }, { userId }) => ({ message: await deleteMessage({ userId, messageId }) })),
  "reaction:add": handler(reactionSchema, async ({ messageId, emoji }, { userId }) => ({ message: await addReaction({ userId, messageId, emoji }) })),
  "reaction:remove": handler(reactionSchema, async ({ messageId, emoji }, { userId }) => ({ message: await removeReaction({ userId, messageId, emoji }) })),
  "message:pin": handler(pinMessageSchema, async ({ messageId, pinned }, { userId }) => ({ message: await pinMessage({ userId, messageId, pinned }) })),
  sync: handler(syncSchema, async ({ since }, { userId }) => syncMessages({ userId, since })),
  "conversation:read": handler(readSchema, async ({ conversationId, seq }, { userId }) => ({ seq: await markRead({ userId, conversationId, seq }) })),
};
