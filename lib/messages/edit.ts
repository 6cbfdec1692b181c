/** Edits and deletions of one's own messages; each takes the conversation's next position as the message's rev. */
import "server-only";
import { transaction } from "@/db/transaction";
import { AppError } from "../platform/errors";
import { limited } from "../platform/rate-limit";
import "./events";
import { lockTarget, storedMessage } from "./target";
import { takePosition } from "./positions";
import { mentionsIn } from "./mentioned";
import { messageRowsById } from "@/db/message-rows";
import { toMessageView } from "./types";
import { EMPTY_MESSAGE } from "./rules";
import type { MessageView } from "./types";

async function changeMessage(userId: string, messageId: string, change: { body: string } | { delete: true }): Promise<MessageView> {
  const message = await transaction(async (tx, emit) => {
    const target = await lockTarget(tx, userId, messageId);
    if (target.kind === "system") throw new AppError("forbidden", "Notes about the conversation cannot be changed");
    if (target.sender_id !== userId) throw new AppError("forbidden", "You can only change your own messages");
    if (target.deleted_at) {
      if ("delete" in change) return null; // already deleted: answer with it as it is
      throw new AppError("not_found", "That message was deleted");
    }
    // the text of a message with files may be removed (as a send may have none), else it stays required
    if ("body" in change && change.body === "" && !(await tx`select 1 from attachments where message_id = ${messageId} limit 1`).length) {
      throw new AppError("bad_request", EMPTY_MESSAGE, { body: EMPTY_MESSAGE });
    }
    const rev = await takePosition(tx, target.conversation_id);
    if ("delete" in change) await tx`delete from reactions where message_id = ${messageId}`;
    // a deleted message's files go with it (their parts too): nobody can read them any more
    if ("delete" in change) await tx`delete from attachments where message_id = ${messageId}`;
    if ("delete" in change) await tx`update messages set body = '', deleted_at = now(), rev = ${rev}, mentions = '{}', pinned_at = null, pinned_by = null where id = ${messageId}`;
    else await tx`update messages set body = ${change.body}, mentions = ${await mentionsIn(tx, target.conversation_id, change.body)}, edited_at = now(), rev = ${rev} where id = ${messageId}`;
    const changed = toMessageView((await messageRowsById(tx, [messageId]))[0]);
    emit({ type: "message.updated", message: changed });
    return changed;
  });
  if (message) return message;
  return storedMessage(messageId);
}

/**
 * Replaces the body of the caller's own message; "" only on a message with files (its text removed).
 * Throws `rate_limited` past LIMITS.edit, `not_found`, `forbidden`, `bad_request` (field `body`) for
 * "" on a message without files.
 */
export async function editMessage({ userId, messageId, body }: { userId: string; messageId: string; body: string }): Promise<MessageView> {
  return limited("edit", userId, () => changeMessage(userId, messageId, { body }));
}

/** Deletes the caller's own message (again: answers with it as it is). Throws `rate_limited` past LIMITS.delete, `not_found`, `forbidden`. */
export async function deleteMessage({ userId, messageId }: { userId: string; messageId: string }): Promise<MessageView> {
  return limited("delete", userId, () => changeMessage(userId, messageId, { delete: true }));
}
