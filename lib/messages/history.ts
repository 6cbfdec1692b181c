/** Reading messages back: catch-up by position (`sync`), pages of history by seq, and a conversation's opening page. */
import "server-only";
import { getSql } from "@/db";
import { noSuchConversation, requireMembership } from "../conversations/access";
import { listConversationViews } from "../conversations/store";
import type { OpeningView } from "../conversations/types";
import { batchedLookup } from "../platform/batch";
import type { AppError } from "../platform/errors";
import { consume, limited } from "../platform/rate-limit";
import { singleton } from "../platform/singleton";
import { uuidSchema } from "../platform/validation";
import { selectMessages } from "@/db/message-rows";
import { toMessageView } from "./types";
import { HISTORY_PAGE, SYNC_PAGE } from "./rules";
import type { MessageView } from "./types";

/** One caller's `sync`: who asks, and from which position of each conversation. */
interface SyncAsk {
  userId: string;
  since: Record<string, number>;
}
type SyncAnswer = { messages: MessageView[]; hasMore: boolean } | { refused: AppError };

/**
 * Answers many `sync` calls with two queries: which of the named conversations each caller is a
 * member of, then the changes each caller's own query would have read (SYNC_PAGE + 1 at most in all
 * per caller; a message several callers need is read once). Each caller then gets exactly that: its
 * conversations in id order, each after its own position; a caller naming a conversation that is not
 * its own is refused alone.
 */
async function loadSyncs(asks: SyncAsk[]): Promise<Map<SyncAsk, SyncAnswer>> {
  const sql = getSql();
  const named = asks.flatMap((a) => Object.keys(a.since).map((c) => ({ u: a.userId, c })));
  // one primary-key probe per pair (a plain join is planned as a scan of all of members)
  const memberRows = await sql`select s.u, s.c from jsonb_to_recordset(${JSON.stringify(named)}::jsonb) as s(u uuid, c uuid)
    join lateral (select 1 from members m where m.conversation_id = s.c and m.user_id = s.u limit 1) m on true`;
  const isMember = new Set(memberRows.map((r) => `${r.u}|${r.c}`));
  const answers = new Map<SyncAsk, SyncAnswer>();
  const allowed = asks.filter((a) => {
    const ok = Object.keys(a.since).every((c) => isMember.has(`${a.userId}|${c}`));
    if (!ok) answers.set(a, { refused: noSuchConversation() });
    return ok;
  });
  // A lone caller (no crowd): its conversations in id order, each one's changes read once in rev order
  // from messages_conversation_rev in a lateral subquery whose rows are the answer, and the reading
  // stops once the page is full, so it reads about as many rows as it answers (docs/growth-plans.md).
  if (allowed.length === 1) {
    const [a] = allowed;
    const cursors = JSON.stringify(Object.entries(a.since).map(([c, r]) => ({ c, r })));
    const rows = await selectMessages(
      sql,
      sql`true`,
      sql`order by s.c, m.rev limit ${SYNC_PAGE + 1}`,
      sql`(select c, r from jsonb_to_recordset(${cursors}::jsonb) as x(c uuid, r bigint) order by c) s
        cross join lateral (select * from messages n where n.conversation_id = s.c and n.rev > s.r order by n.rev limit ${SYNC_PAGE + 1}) m`,
    );
    answers.set(a, { messages: rows.slice(0, SYNC_PAGE).map(toMessageView), hasMore: rows.length > SYNC_PAGE });
    return answers;
  }
  const cursors = allowed.flatMap((a, i) => Object.entries(a.since).map(([c, r]) => ({ i, c, r })));
  // per caller, as its own query read them: SYNC_PAGE + 1 changes at most per conversation, then the
  // first SYNC_PAGE + 1 of those by conversation and rev (the rows themselves are read once for all)
  const rows = cursors.length
    ? await selectMessages(
        sql,
        sql`(m.conversation_id, m.rev) in (
          select ranked.c, ranked.rev from (
            select s.c, n.rev, row_number() over (partition by s.i order by s.c, n.rev) as k
            from jsonb_to_recordset(${JSON.stringify(cursors)}::jsonb) as s(i int, c uuid, r bigint)
            join lateral (select n.rev from messages n where n.conversation_id = s.c and n.rev > s.r order by n.rev limit ${SYNC_PAGE + 1}) n on true
          ) ranked where ranked.k <= ${SYNC_PAGE + 1})`,
      )
    : [];
  // each row as a view once, by conversation in rev order
  const byConversation = new Map<string, MessageView[]>();
  for (const view of rows.map(toMessageView).sort((a, b) => a.rev - b.rev)) {
    const list = byConversation.get(view.conversationId);
    if (list) list.push(view);
    else byConversation.set(view.conversationId, [view]);
  }
  for (const a of allowed) {
    const page: MessageView[] = [];
    for (const c of Object.keys(a.since).sort()) {
      if (page.length > SYNC_PAGE) break;
      const after = (byConversation.get(c) ?? []).filter((m) => m.rev > a.since[c]).slice(0, SYNC_PAGE + 1);
      page.push(...after);
    }
    answers.set(a, { messages: page.slice(0, SYNC_PAGE), hasMore: page.length > SYNC_PAGE });
  }
  return answers;
}

// After a restart every client syncs at once: concurrent calls share two queries (lib/platform/batch.ts),
// weighed by the conversations they name so that one load stays a bounded query.
const syncLookup = () => singleton("messages.syncLookup", () => batchedLookup(loadSyncs, { maxBatch: 5000, weight: (a) => Object.keys(a.since).length }));

/**
 * Every message created or changed after the given positions (rev > position), by conversation then
 * rev, at most SYNC_PAGE at a time. Throws `rate_limited` past LIMITS.sync, `not_found` when one of
 * the conversations is not the caller's. Read when the call is made or later; concurrent calls are
 * answered together (loadSyncs), each exactly as if alone.
 */
export async function syncMessages({ userId, since }: { userId: string; since: Record<string, number> }): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  return limited("sync", userId, async () => {
    if (!Object.keys(since).length) return { messages: [], hasMore: false };
    // ids as stored (lowercase), since they are matched here as well as in SQL
    const asked = Object.fromEntries(Object.entries(since).map(([c, r]) => [c.toLowerCase(), r]));
    const answer = (await syncLookup()({ userId, since: asked }))!;
    if ("refused" in answer) throw answer.refused;
    return answer;
  });
}

/**
 * A page's condition that the caller is a member (evaluated once per statement, as an InitPlan): a page
 * with rows proves membership, so only an empty page asks requireMembership whether it is empty or not the
 * caller's. One statement fewer per page of history than checking first (issue 15 item 6).
 */
function membersOnly(sql: ReturnType<typeof getSql>, userId: string, conversationId: string) {
  return sql`exists (select 1 from members mb where mb.conversation_id = ${conversationId} and mb.user_id = ${userId})`;
}

export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

/** History by seq: the newest page, or the page before / after a position; ascending. `not_found` for a non-member. */
async function listMessages(userId: string, conversationId: string, query: HistoryQuery): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  const limit = query.limit ?? HISTORY_PAGE.default;
  const sql = getSql();
  const own = membersOnly(sql, userId, conversationId);
  const rows =
    query.after !== undefined
      ? await selectMessages(sql, sql`m.conversation_id = ${conversationId} and m.seq > ${query.after} and ${own}`, sql`order by m.seq limit ${limit + 1}`)
      : await selectMessages(sql, sql`m.conversation_id = ${conversationId} ${query.before !== undefined ? sql`and m.seq < ${query.before}` : sql``} and ${own}`, sql`order by m.seq desc limit ${limit + 1}`);
  if (!rows.length) await requireMembership({ userId, conversationIds: [conversationId] });
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
  const sql = getSql();
  const own = membersOnly(sql, userId, conversationId);
  const beforeCount = Math.ceil(limit / 2);
  const [older, newer] = await Promise.all([
    selectMessages(sql, sql`m.conversation_id = ${conversationId} and m.seq <= ${around} and ${own}`, sql`order by m.seq desc limit ${beforeCount + 1}`),
    selectMessages(sql, sql`m.conversation_id = ${conversationId} and m.seq > ${around} and ${own}`, sql`order by m.seq limit ${limit - beforeCount + 1}`),
  ]);
  if (!older.length && !newer.length) await requireMembership({ userId, conversationIds: [conversationId] });
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
