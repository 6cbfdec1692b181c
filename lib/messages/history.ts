/** Reading messages back: catch-up by position (`sync`), pages of history by seq, and a conversation's opening page. */
import "server-only";
import { getSql } from "@/db";
import { requireMembership } from "../conversations/access";
import { listConversationViews } from "../conversations/store";
import type { OpeningView } from "../conversations/types";
import { consume, limited } from "../platform/rate-limit";
import { uuidSchema } from "../platform/validation";
import { selectMessages } from "@/db/message-rows";
import { toMessageView } from "./types";
import { HISTORY_PAGE, SYNC_PAGE } from "./rules";
import type { MessageView } from "./types";

/**
 * Every message created or changed after the given positions (rev > position), by conversation then
 * rev, at most SYNC_PAGE at a time. Throws `rate_limited` past LIMITS.sync, `not_found` when one of
 * the conversations is not the caller's.
 *
 * The conversations are taken in id order, each one's changes read in rev order from
 * messages_conversation_rev (at most SYNC_PAGE + 1), and the reading stops once the page is full:
 * a catch-up reads about as many rows as it answers, whatever else it asked about, and reads each
 * row once (it used to gather every asked conversation's changes as (conversation, rev) pairs first,
 * then fetch each one again by them: docs/growth-plans.md).
 */
export async function syncMessages({ userId, since }: { userId: string; since: Record<string, number> }): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  return limited("sync", userId, async () => {
    const ids = Object.keys(since);
    await requireMembership({ userId, conversationIds: ids });
    if (!ids.length) return { messages: [], hasMore: false };
    const sql = getSql();
    const cursors = JSON.stringify(ids.map((c) => ({ c, r: since[c] })));
    const rows = await selectMessages(
      sql,
      sql`true`,
      sql`order by s.c, m.rev limit ${SYNC_PAGE + 1}`,
      sql`(select c, r from jsonb_to_recordset(${cursors}::jsonb) as x(c uuid, r bigint) order by c) s
        cross join lateral (select * from messages n where n.conversation_id = s.c and n.rev > s.r order by n.rev limit ${SYNC_PAGE + 1}) m`,
    );
    return { messages: rows.slice(0, SYNC_PAGE).map(toMessageView), hasMore: rows.length > SYNC_PAGE };
  });
}

export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

/** History by seq: the newest page, or the page before / after a position; ascending. `not_found` for a non-member. */
async function listMessages(userId: string, conversationId: string, query: HistoryQuery): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  await requireMembership({ userId, conversationIds: [conversationId] });
  const limit = query.limit ?? HISTORY_PAGE.default;
  const sql = getSql();
  const rows =
    query.after !== undefined
      ? await selectMessages(sql, sql`m.conversation_id = ${conversationId} and m.seq > ${query.after}`, sql`order by m.seq limit ${limit + 1}`)
      : await selectMessages(sql, sql`m.conversation_id = ${conversationId} ${query.before !== undefined ? sql`and m.seq < ${query.before}` : sql``}`, sql`order by m.seq desc limit ${limit + 1}`);
  const page = rows.slice(0, limit).map(toMessageView);
  if (query.after === undefined) page.reverse();
  return { messages: page, hasMore: rows.length > limit };
}

/**
 * The page centred on position `around` (DESIGN.md, "Details fixed for the additions"): of `limit`
 * messages, the newest ⌈limit/2⌉ with seq ≤ around, then those after it, ascending. Positions have
 * gaps, so `around` need not be a message. For jumping to a reply's original, a search hit or the
 * first unread. Counted against LIMITS.history; `not_found` for a non-member.
 */
export async function readAround({ userId, conversationId, around, limit = HISTORY_PAGE.default }: { userId: string; conversationId: string; around: number; limit?: number }): Promise<{ messages: MessageView[]; hasMoreBefore: boolean; hasMoreAfter: boolean }> {
  await consume("history", userId);
  await requireMembership({ userId, conversationIds: [conversationId] });
  const sql = getSql();
  const beforeCount = Math.ceil(limit / 2);
  const [older, newer] = await Promise.all([
    selectMessages(sql, sql`m.conversation_id = ${conversationId} and m.seq <= ${around}`, sql`order by m.seq desc limit ${beforeCount + 1}`),
    selectMessages(sql, sql`m.conversation_id = ${conversationId} and m.seq > ${around}`, sql`order by m.seq limit ${limit - beforeCount + 1}`),
  ]);
  const before = older.slice(0, beforeCount).map(toMessageView).reverse();
  const after = newer.slice(0, limit - beforeCount).map(toMessageView);
  return { messages: [...before, ...after], hasMoreBefore: older.length > beforeCount, hasMoreAfter: newer.length > limit - beforeCount };
}

/** A page of history for GET …/messages, counted against LIMITS.history (rate_limited past it); `not_found` for a non-member. */
export async function readHistory({ userId, conversationId, query }: { userId: string; conversationId: string; query: HistoryQuery }): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  await consume("history", userId);
  return listMessages(userId, conversationId, query);
}

/**
 * A conversation with its newest page, as the page that opens it needs them (so the browser need
 * not ask again); null when it is not the caller's, or not a conversation id at all.
 */
export async function openingView({ userId, conversationId }: { userId: string; conversationId: string }): Promise<OpeningView | null> {
  const id = uuidSchema("id").safeParse(conversationId);
  if (!id.success) return null;
  const [conversation] = await listConversationViews({ userId, ids: [id.data] });
  if (!conversation) return null;
  return { conversation, ...(await listMessages(userId, id.data, {})) };
}
