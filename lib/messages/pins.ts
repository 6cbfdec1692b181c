/**
 * Pins (issue 13, item 6; DESIGN.md "Contract additions"): any member pins or unpins a message of
 * the conversation, at most PIN_MAX pinned at once. A real change takes the conversation's next
 * position as the message's rev and is told as `message.updated`, so `sync` carries it; pinning a
 * pinned message (or unpinning an unpinned one) changes nothing and answers the message as it is.
 */
import "server-only";
import { getSql } from "@/db";
import { transaction } from "@/db/transaction";
import { messageRowsById, selectMessages } from "@/db/message-rows";
import { requireMembership } from "../conversations/access";
import { AppError } from "../platform/errors";
import { lockTarget, reviseMessages, storedMessage } from "./target";
import { limited } from "../platform/rate-limit";
import "./events";
import { takePosition } from "./positions";
import { PIN_MAX } from "./rules";
import { toMessageView, type MessageView } from "./types";
import type { Emit, Tx } from "../platform/events";

/**
 * Pins (`pinned: true`) or unpins a message for its whole conversation. The count is checked under
 * the conversation's lock, so concurrent pins cannot pass PIN_MAX together. Throws `rate_limited`
 * past LIMITS.pin; `not_found` (not a member, no such message, or it was deleted: nothing left to pin);
 * `forbidden` for a note about the conversation (a system message); `conflict` for the (PIN_MAX + 1)th pin.
 */
export async function pinMessage({ userId, messageId, pinned }: { userId: string; messageId: string; pinned: boolean }): Promise<MessageView> {
  return limited("pin", userId, async () => {
    const changed = await transaction(async (tx, emit) => {
      const target = await lockTarget(tx, userId, messageId);
      if (target.kind === "system") throw new AppError("forbidden", "Notes about the conversation cannot be pinned");
      if (target.deleted_at) {
        if (!pinned) return null; // a deleted message is never pinned: unpinning it is a no-op
        throw new AppError("not_found", "That message was deleted");
      }
      if ((target.pinned_at !== null) === pinned) return null;
      if (pinned) {
        const [{ n }] = await tx`select count(*)::int as n from messages where conversation_id = ${target.conversation_id} and pinned_at is not null`;
        if (n >= PIN_MAX) throw new AppError("conflict", `A conversation can have at most ${PIN_MAX} pinned messages. Unpin one first.`);
      }
      const rev = await takePosition(tx, target.conversation_id);
      if (pinned) await tx`update messages set pinned_at = now(), pinned_by = ${userId}, rev = ${rev} where id = ${messageId}`;
      else await tx`update messages set pinned_at = null, pinned_by = null, rev = ${rev} where id = ${messageId}`;
      const message = toMessageView((await messageRowsById(tx, [messageId]))[0]);
      emit({ type: "message.updated", message });
      return message;
    });
    if (changed) return changed;
    return storedMessage(messageId);
  });
}

/** The conversation's pinned messages, newest pin first (at most PIN_MAX). Counted against LIMITS.history; `not_found` for a non-member. */
export async function listPins({ userId, conversationId }: { userId: string; conversationId: string }): Promise<MessageView[]> {
  return limited("history", userId, async () => {
    await requireMembership({ userId, conversationIds: [conversationId] });
    const sql = getSql();
    const rows = await selectMessages(sql, sql`m.conversation_id = ${conversationId} and m.pinned_at is not null`, sql`order by m.pinned_at desc, m.seq desc limit ${PIN_MAX}`);
    return rows.map(toMessageView);
  });
}

/**
 * Clears `pinnedBy` on the messages `userId` pinned (an account being deleted): they stay pinned, by
 * nobody who still exists, and each takes its conversation's next position and goes out as
 * `message.updated` — else the foreign key's `set null` changed them without a rev, and clients and
 * `sync` kept the deleted id. Run inside the deletion's transaction, with the user's row and these
 * conversations already locked (lib/platform/locks.ts order).
 */
export async function withdrawPins(tx: Tx, emit: Emit, userId: string): Promise<void> {
  const cleared = await tx`
    update messages set pinned_by = null
    where pinned_at is not null and pinned_by = ${userId}
    returning id, conversation_id`;
  await reviseMessages(tx, emit, cleared);
}
