/** Read positions: how far each member has read a conversation. */
import "server-only";
import type { Row } from "postgres";
import { getSql } from "@/db";
import { endBackend } from "@/db/transaction";
import { noSuchConversation } from "../conversations/access";
import { isConnectionError } from "../platform/errors";
import { publish } from "../platform/events";
import { limited } from "../platform/rate-limit";
import "./events";

/**
 * Moves the caller's read position forward (never back, never past the end) and returns it. Only a
 * move is published (`message.read`), so repeating a position costs no fan-out; but when the connection
 * breaks under the move, the position as stored is published and returned (the move may have
 * committed). Throws `rate_limited` past LIMITS.read, `not_found` when the conversation is not the caller's.
 */
export async function markRead({ userId, conversationId, seq }: { userId: string; conversationId: string; seq: number }): Promise<number> {
  return limited("read", userId, async () => {
    const sql = getSql();
    // The condition is re-checked on the locked row, so of two racing reads only one moves it.
    let moved: Row | undefined;
    const update = sql`
      update members m set last_read_seq = least(${seq}, c.last_seq)
      from conversations c
      where c.id = m.conversation_id and m.conversation_id = ${conversationId} and m.user_id = ${userId}
        and m.last_read_seq < least(${seq}, c.last_seq)
      returning m.last_read_seq`;
    try {
      [moved] = await update;
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      // The answer may have been lost after the move committed; a retry would then find nothing to move
      // and tell nobody. So the position as stored is announced (the truth, even if it did not move:
      // clients keep the furthest position they hear) and answered, once the backend that ran the
      // move is gone (it may still be running it, waiting for the row, and commit after this read).
      if (!(await endBackend((update as unknown as { state?: { pid?: number } }).state?.pid))) throw err;
      const [row] = await sql`select last_read_seq from members where conversation_id = ${conversationId} and user_id = ${userId}`;
      if (!row) throw noSuchConversation();
      const position = Number(row.last_read_seq);
      await publish({ type: "message.read", conversationId, userId, seq: position });
      return position;
    }
    if (moved) {
      const position = Number(moved.last_read_seq);
      await publish({ type: "message.read", conversationId, userId, seq: position });
      return position;
    }
    const [row] = await sql`select last_read_seq from members where conversation_id = ${conversationId} and user_id = ${userId}`;
    if (!row) throw noSuchConversation();
    return Number(row.last_read_seq);
  });
}
