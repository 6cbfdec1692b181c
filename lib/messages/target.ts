/**
 * The message a change (edit, delete, reaction, pin) is aimed at, located and locked the one way
 * lib/platform/locks.ts orders locks: the acting user's row first (`for key share`, as the writer
 * does: the change may write a reference to it, and an account deletion locks that row before its
 * conversations), then the message's conversation; the membership is checked under both, so it
 * stays true until commit. And the one way changed messages take their new positions and are told
 * (reviseMessages), for changes made on someone's behalf (an account deletion's reactions and pins).
 */
import "server-only";
import { getSql } from "@/db";
import { messageRowsById, selectMessages } from "@/db/message-rows";
import { AppError } from "../platform/errors";
import type { Emit, Tx } from "../platform/events";
import { holdUsers, lockConversation } from "../platform/locks";
import { takePositions } from "./positions";
import { toMessageView, type MessageView } from "./types";

export interface Target {
  id: string;
  conversation_id: string;
  sender_id: string | null;
  kind: "text" | "system";
  deleted_at: Date | null;
  pinned_at: Date | null;
}

/**
 * Locks and returns message `messageId` for a change by `userId`. Throws `unauthorized` when the
 * account is gone (deleted meanwhile), `not_found` when there is no such message or the user is not
 * a member of its conversation (existence is not revealed).
 */
export async function lockTarget(tx: Tx, userId: string, messageId: string): Promise<Target> {
  if (!(await holdUsers(tx, [userId])).size) throw new AppError("unauthorized", "This account was deleted");
  const [located] = await tx`select conversation_id from messages where id = ${messageId}`;
  if (located) await lockConversation(tx, located.conversation_id);
  const [target] = await tx`
    select m.id, m.conversation_id, m.sender_id, m.kind, m.deleted_at, m.pinned_at from messages m
    join members mb on mb.conversation_id = m.conversation_id and mb.user_id = ${userId}
    where m.id = ${messageId}`;
  if (!target) throw new AppError("not_found", "No such message");
  return target as unknown as Target;
}

/** Message `messageId` as stored now (the answer to a change that changed nothing); `not_found` once it is gone. */
export async function storedMessage(messageId: string): Promise<MessageView> {
  const [row] = await messageRowsById(getSql(), [messageId]);
  if (!row) throw new AppError("not_found", "No such message");
  return toMessageView(row);
}

/**
 * The messages of `changed` (`{ id, conversation_id }` rows, repeats allowed), changed by the caller
 * in this transaction, each take their conversation's next position as their new rev and go out as
 * `message.updated`. Their conversations must be locked already.
 */
export async function reviseMessages(tx: Tx, emit: Emit, changed: readonly Record<string, unknown>[]): Promise<void> {
  const byMessage = new Map(changed.map((r) => [r.id as string, r.conversation_id as string]));
  if (!byMessage.size) return;
  const counts = new Map<string, number>();
  for (const c of byMessage.values()) counts.set(c, (counts.get(c) ?? 0) + 1);
  const next = await takePositions(tx, counts);
  const revs = [...byMessage].map(([id, c]) => {
    const rev = next.get(c)!;
    next.set(c, rev + 1);
    return { id, rev };
  });
  await tx`
    update messages m set rev = v.rev
    from jsonb_to_recordset(${JSON.stringify(revs)}::jsonb) as v(id uuid, rev bigint)
    where m.id = v.id`;
  const rows = await selectMessages(tx, tx`m.id = any(${[...byMessage.keys()]}::uuid[])`, tx`order by m.conversation_id, m.rev`);
  for (const row of rows) emit({ type: "message.updated", message: toMessageView(row) });
}
