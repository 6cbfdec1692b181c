/**
 * Full-text search over the messages of the caller's conversations (DESIGN.md, "Contract additions:
 * Search"; docs/search.md). PostgreSQL's own full-text search: each text message's document in
 * `message_search` (made after commit by ./indexer.ts), the parley_search configuration (case,
 * accents, English stems), and one GIN index over (conversation_id, search) that intersects the
 * caller's conversations with the words.
 */
import "server-only";
import type { Sql } from "postgres";
import { getSql } from "@/db";
import { selectMessages } from "@/db/message-rows";
import { noSuchConversation } from "../conversations/access";
import { AppError } from "../platform/errors";
import { limited } from "../platform/rate-limit";
import { toMessageView, type MessageView } from "../messages/types";
import { highlightMatches } from "./highlight";
import { indexPending } from "./indexer";
import { parseSearchQuery, SEARCH_TERMS_MAX, type SearchTerm } from "./rules";

/** At most this many of the caller's queued messages are indexed before a search reads (./indexer.ts). */
const CATCH_UP_LIMIT = 5000;

export interface SearchQuery {
  /** the searcher */
  userId: string;
  /** words, "quoted phrases" and -exclusions (./rules parseSearchQuery); may be empty when a filter is given */
  q: string;
  /** only this conversation (one of the caller's, else `not_found`) */
  conversationId?: string;
  /** only messages sent by this username (any case); an unknown name finds nothing */
  from?: string;
  /** only messages sent before this instant (exclusive) */
  before?: Date;
  /** only messages sent at or after this instant */
  after?: Date;
  /** nextCursor of the previous page */
  cursor?: string;
  limit: number;
}

export interface SearchResult {
  message: MessageView;
  conversation: { id: string; kind: "direct" | "group"; title: string | null };
  /** the body with each match wrapped in `\u0002` … `\u0003` */
  highlight: string;
}

const UNINDEXED = "Search for a word: common words such as \"the\", symbols and emoji are not searched";

/** The terms with at least one word PostgreSQL indexes (not only stop words, punctuation or emoji), in one round trip. */
async function indexedTerms(sql: Sql, terms: SearchTerm[]): Promise<SearchTerm[]> {
  if (!terms.length) return terms;
  const rows = await sql<{ n: number }[]>`
    select numnode(phraseto_tsquery('parley_search', parley_search_text(t))) as n
    from unnest(${terms.map((t) => t.text)}::text[]) with ordinality as u(t, i) order by i`;
  return terms.filter((_, i) => rows[i].n > 0);
}

/**
 * An instant as PostgreSQL reads it. A day filter can reach past year 9999 ("after 9999-12-31" is the
 * start of 10000-01-01), which toISOString writes "+010000-…" and PostgreSQL refuses: no message is
 * that late, so it is 'infinity' (after it: nothing; before it: everything).
 */
function timestamp(at: Date): string {
  return at.getUTCFullYear() > 9999 ? "infinity" : at.toISOString();
}

/** A results cursor: the last result's time (µs since the epoch, as stored) and id, base64url. */
function encodeCursor(atMicros: string, id: string): string {
  return Buffer.from(`${atMicros}.${id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { atMicros: string; id: string } {
  const m = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new AppError("bad_request", "Invalid cursor", { cursor: "Invalid cursor" });
  return { atMicros: m[1], id: m[2] };
}

/**
 * The caller's matching messages, newest first, a page at a time: text messages not deleted, in the
 * conversations the caller is a member of now (one left is never searched). Every positive term must
 * match (a phrase as a phrase), no negated one may. Throws `bad_request` for an empty search (no
 * words and no filter), too many terms or a bad cursor; `not_found` for a conversation not the
 * caller's; `rate_limited` past LIMITS.messageSearch.
 */
export async function searchMessages(query: SearchQuery): Promise<{ results: SearchResult[]; nextCursor: string | null }> {
  let terms = parseSearchQuery(query.q);
  if (terms.length > SEARCH_TERMS_MAX) throw new AppError("bad_request", `A search may have at most ${SEARCH_TERMS_MAX} words and phrases`, { q: `At most ${SEARCH_TERMS_MAX} words and phrases` });
  const filtered = query.conversationId || query.from || query.before || query.after;
  if (!terms.some((t) => !t.negated) && !filtered) throw new AppError("bad_request", "Type a word to search for", { q: "Type a word to search for" });
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return limited("messageSearch", query.userId, async () => {
    const sql = getSql();
    // Words PostgreSQL does not index (stop words such as "the", symbols, emoji) match nothing and
    // are dropped from the query, as phraseto_tsquery drops them: "the report" is "report". A query
    // whose words are all such can find nothing: refused, not answered with every message (which
    // "the -report" would otherwise be, past the rule that only negations need a filter).
    const indexed = await indexedTerms(sql, terms);
    if (terms.some((t) => !t.negated) && !indexed.some((t) => !t.negated)) {
      throw new AppError("bad_request", UNINDEXED, { q: UNINDEXED });
    }
    terms = indexed;
    const [mine] = await sql<{ ids: string[] | null }[]>`
      select array_agg(conversation_id) as ids from members
      where user_id = ${query.userId} ${query.conversationId ? sql`and conversation_id = ${query.conversationId}` : sql``}`;
    if (query.conversationId && !mine.ids) throw noSuchConversation();
    if (!mine.ids) return { results: [], nextCursor: null };
    const phrase = (t: SearchTerm) => sql`phraseto_tsquery('parley_search', parley_search_text(${t.text}))`;
    const join = (parts: ReturnType<typeof phrase>[], op: "&&" | "||") => parts.reduce((acc, p) => sql`${acc} ${sql.unsafe(op)} ${p}`);
    const positive = terms.filter((t) => !t.negated).map(phrase);
    const negative = terms.filter((t) => t.negated).map(phrase);
    // read your writes: what the caller's conversations still have queued is indexed first (usually nothing; ./indexer.ts)
    await indexPending(sql, { conversationIds: mine.ids, limit: CATCH_UP_LIMIT });
    // With words: from the documents, whose GIN intersects the conversations with the words. With
    // negations or filters only: from the messages, a missing document matching no word.
    const source = positive.length
      ? sql`message_search s join messages m on m.id = s.message_id join conversations c on c.id = m.conversation_id
            where s.conversation_id = any(${mine.ids}::uuid[])
              and s.search @@ (${join(positive, "&&")}${negative.length ? sql` && !!(${join(negative, "||")})` : sql``})`
      : sql`messages m left join message_search s on s.message_id = m.id join conversations c on c.id = m.conversation_id
            where m.conversation_id = any(${mine.ids}::uuid[])
              ${negative.length ? sql`and not coalesce(s.search @@ (${join(negative, "||")}), false)` : sql``}`;
    const hits = await sql<{ id: string; at_us: string; c_kind: "direct" | "group"; c_title: string | null }[]>`
      select m.id, (extract(epoch from m.created_at) * 1000000)::bigint::text as at_us, c.kind as c_kind, c.title as c_title
      from ${source} and m.deleted_at is null and m.kind = 'text'
        ${query.from ? sql`and m.sender_id = (select id from users where username = ${query.from.toLowerCase()})` : sql``}
        ${query.before ? sql`and m.created_at < ${timestamp(query.before)}::timestamptz` : sql``}
        ${query.after ? sql`and m.created_at >= ${timestamp(query.after)}::timestamptz` : sql``}
        ${after ? sql`and ((extract(epoch from m.created_at) * 1000000)::bigint, m.id) < (${after.atMicros}::bigint, ${after.id}::uuid)` : sql``}
      order by m.created_at desc, m.id desc
      limit ${query.limit + 1}`;
    const page = hits.slice(0, query.limit);
    if (!page.length) return { results: [], nextCursor: null };
    // a message deleted since the first read is left out, not shown with its emptied body
    const rows = await selectMessages(sql, sql`m.id = any(${page.map((h) => h.id)}::uuid[]) and m.deleted_at is null`);
    const byId = new Map(rows.map((r) => [r.id as string, toMessageView(r)]));
    const messages = page.map((h) => byId.get(h.id)).filter((m): m is MessageView => m !== undefined);
    const highlights = await highlightMatches(sql, messages.map((m) => m.body), terms);
    const conversationOf = new Map(page.map((h) => [h.id, { kind: h.c_kind, title: h.c_title }]));
    const last = page[page.length - 1];
    return {
      results: messages.map((message, i) => ({ message, conversation: { id: message.conversationId, ...conversationOf.get(message.id)! }, highlight: highlights[i] })),
      nextCursor: hits.length > query.limit ? encodeCursor(last.at_us, last.id) : null,
    };
  });
}
