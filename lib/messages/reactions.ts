/**
 * Reactions: one emoji per (message, user, emoji), at most REACTIONS_MAX distinct emoji per message
 * (DESIGN.md, "Contract additions: Messages"). A real change takes the conversation's next position
 * as the message's rev and is published as `message.updated`; adding one that is there, or removing
 * one that is not, changes nothing and answers the message as it is (no rev, no event).
 *
 * The stored form is the emoji character, fully qualified: a `:shortcode:` is turned into its emoji
 * here (lib/messages/emoji.ts), so `:+1:` and 👍 are one reaction.
 */
import "server-only";
import { messageRowsById } from "@/db/message-rows";
import { transaction } from "@/db/transaction";
import { AppError } from "../platform/errors";
import type { Emit, Tx } from "../platform/events";
import { lockTarget, reviseMessages, storedMessage } from "./target";
import { limited } from "../platform/rate-limit";
import { emojiForShortcode } from "./emoji";
import "./events";
import { takePosition } from "./positions";
import { isReactionEmoji, REACTIONS_MAX, SHORTCODE } from "./rules";
import { toMessageView, type MessageView } from "./types";

/** The stored form of a reaction's `emoji` (an RGI emoji as it is, a known `:shortcode:` as its emoji). Throws `bad_request` otherwise. */
export function canonicalEmoji(emoji: string): string {
  if (SHORTCODE.test(emoji)) {
    const found = emojiForShortcode(emoji);
    if (!found) throw new AppError("bad_request", `${emoji} is not a shortcode Parley knows`);
    return found;
  }
  if (!isReactionEmoji(emoji)) throw new AppError("bad_request", "A reaction is one emoji or a :shortcode:");
  return emoji;
}

async function react(userId: string, messageId: string, emoji: string, add: boolean): Promise<MessageView> {
  const stored = canonicalEmoji(emoji);
  const changed = await transaction(async (tx, emit) => {
    // Under the conversation's lock (lib/platform/locks.ts): the membership seen stays true until commit,
    // and concurrent reactions to one message are counted one after the other, so the limit holds.
    const target = await lockTarget(tx, userId, messageId);
    if (target.kind === "system") throw new AppError("forbidden", "Notes about the conversation take no reactions");
    if (target.deleted_at) {
      if (!add) return null; // nothing left to remove: answer with it as it is
      throw new AppError("not_found", "That message was deleted");
    }
    if (add) {
      const [{ distinct, present }] = await tx`
        select count(distinct emoji)::int as distinct, bool_or(emoji = ${stored}) as present
        from reactions where message_id = ${messageId}`;
      if (!present && distinct >= REACTIONS_MAX) throw new AppError("conflict", `A message can have at most ${REACTIONS_MAX} different reactions`);
      const inserted = await tx`
        insert into reactions (message_id, user_id, emoji) values (${messageId}, ${userId}, ${stored})
        on conflict do nothing returning 1`;
      if (!inserted.length) return null;
    } else {
      const removed = await tx`delete from reactions where message_id = ${messageId} and user_id = ${userId} and emoji = ${stored} returning 1`;
      if (!removed.length) return null;
    }
    const rev = await takePosition(tx, target.conversation_id);
    await tx`update messages set rev = ${rev} where id = ${messageId}`;
    const message = toMessageView((await messageRowsById(tx, [messageId]))[0]);
    emit({ type: "message.updated", message });
    return message;
  });
  return changed ?? storedMessage(messageId);
}

/**
 * Adds the caller's reaction `emoji` (one RGI emoji or a known `:shortcode:`) to a message of a
 * conversation they belong to. Throws `bad_request` (not an emoji or an unknown shortcode),
 * `not_found` (no such message for them, or deleted), `forbidden` (a system message), `conflict`
 * (REACTIONS_MAX distinct emoji already), `rate_limited` past LIMITS.react.
 */
export async function addReaction({ userId, messageId, emoji }: { userId: string; messageId: string; emoji: string }): Promise<MessageView> {
  return limited("react", userId, () => react(userId, messageId, emoji, true));
}

/** Removes the caller's reaction `emoji`; absent (or the message deleted): the message as it is. Throws like addReaction, never `conflict`. */
export async function removeReaction({ userId, messageId, emoji }: { userId: string; messageId: string; emoji: string }): Promise<MessageView> {
  return limited("react", userId, () => react(userId, messageId, emoji, false));
}

/**
 * Takes back every reaction of `userId` (an account being deleted), each touched message taking its
 * conversation's next position as its new rev and going out as `message.updated`, as any reaction
 * change does (DESIGN.md: every change to a message takes a position) — else the rows went by the
 * foreign key's cascade and clients and `sync` kept counting them. Run inside the deletion's
 * transaction, with the user's row and the conversations of those messages already locked
 * (lib/platform/locks.ts order).
 */
export async function withdrawReactions(tx: Tx, emit: Emit, userId: string): Promise<void> {
  const removed = await tx`
    delete from reactions r using messages m
    where r.user_id = ${userId} and m.id = r.message_id
    returning m.id, m.conversation_id`;
  await reviseMessages(tx, emit, removed);
}

