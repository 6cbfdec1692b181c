/**
 * The one way message rows are read back: the row itself, its reactions grouped by emoji (oldest
 * first) as `reactions_agg`, its files in order as `attachments_agg`, and the original it replies to as `reply_id`, `reply_seq`,
 * `reply_sender_id`, `reply_body`, `reply_deleted_at`, `reply_files`. Every read path (history, `sync`, the list's
 * last message, an edit's answer, the writer's retries) uses it and maps the rows with
 * lib/messages/types.ts toMessageView, so they cannot drift.
 */
import "server-only";
import type { Sql } from "postgres";
import type { Tx } from "@/lib/platform/events";

type Db = Sql | Tx;
type Fragment = ReturnType<Db>;

/** Every column of `messages` a message view is made of, named (a column added later is not fetched by every read path unasked). */
export const MESSAGE_COLUMNS = [
  "id", "conversation_id", "seq", "rev", "sender_id", "client_id", "body", "created_at", "edited_at", "deleted_at",
  "kind", "event", "reply_to_id", "mentions", "pinned_at", "pinned_by",
] as const;
const columnsOf = (db: Db, alias: string) => db.unsafe(MESSAGE_COLUMNS.map((c) => `${alias}.${c}`).join(", "));

/*
 * Most messages have no reactions and no files. Each aggregate below is built only when an index
 * probe finds something to aggregate: an aggregate with an ORDER BY starts a sort for every row
 * even when it has nothing to sort, and for a page of 500 catch-up messages those empty sorts were
 * most of the query's time (docs/growth-plans.md).
 */

/** The file names of the message `id` (an SQL expression) in order, for a reply's quote ('{}' when none or no message). */
export const replyFiles = (db: Db, id: string) =>
  db.unsafe(`case when exists (select 1 from attachments a where a.message_id = ${id})
    then (select array_agg(a.name order by a.position) from attachments a where a.message_id = ${id}) else '{}' end`);

/**
 * `select … from messages m left join messages rt …` with `where` (a fragment over `m`) and `tail`
 * (order by / limit). `from` names where the rows come from, as `m` with every column of `messages`
 * (by default the table itself): a catch-up reads them from a lateral subquery (lib/messages/history.ts).
 */
export async function selectMessages(db: Db, where: Fragment, tail: Fragment = db``, from: Fragment = db`messages m`): Promise<MessageRow[]> {
  const values = await db`
    select ${columnsOf(db, "m")},
      case when exists (select 1 from reactions r where r.message_id = m.id) then
        (select jsonb_agg(jsonb_build_object('emoji', g.emoji, 'userIds', g.user_ids) order by g.first_at, g.emoji)
          from (select r.emoji, array_agg(r.user_id::text order by r.created_at, r.user_id) as user_ids, min(r.created_at) as first_at
                from reactions r where r.message_id = m.id group by r.emoji) g)
        else '[]'::jsonb end as reactions_agg,
      case when exists (select 1 from attachments a where a.message_id = m.id) then
        (select jsonb_agg(jsonb_build_object('id', a.id, 'name', a.name, 'contentType', a.content_type, 'size', a.size,
            'width', a.width, 'height', a.height, 'thumb', a.thumbnail_size is not null) order by a.position)
          from attachments a where a.message_id = m.id)
        else '[]'::jsonb end as attachments_agg,
      rt.id as reply_id, rt.seq as reply_seq, rt.sender_id as reply_sender_id, rt.body as reply_body, rt.deleted_at as reply_deleted_at,
      ${replyFiles(db, "rt.id")} as reply_files
    from ${from} left join messages rt on rt.id = m.reply_to_id
    where ${where} ${tail}`.values();
  return values.map(messageRow);
}

// messageRow reads the values by position: its first keys must be MESSAGE_COLUMNS, in order
if (Object.keys(messageRow([])).slice(0, MESSAGE_COLUMNS.length).join() !== MESSAGE_COLUMNS.join()) throw new Error("messageRow is out of step with MESSAGE_COLUMNS");

/** A row as selectMessages reads it: every column of MESSAGE_COLUMNS, the aggregates and the replied-to original. */
export interface MessageRow {
  [column: string]: unknown;
  id: string;
  conversation_id: string;
  seq: number;
  rev: number;
  sender_id: string | null;
  client_id: string;
}

/**
 * selectMessages' row from its values, in the order of its select list. postgres.js builds each row by
 * adding the columns one by one, and past about 16 properties V8 turns such an object into a hash table
 * (dictionary mode): 2.9 KB allocated per row of 24 columns, and slower to read (issue 15: a catch-up of 1,000
 * messages spent a third of its CPU collecting garbage). One object literal has one fixed shape instead.
 * Also for `returning ${returningMessageColumns}` (the columns past MESSAGE_COLUMNS are then undefined).
 */
export function messageRow(v: unknown[]): MessageRow {
  return {
    id: v[0] as string, conversation_id: v[1] as string, seq: v[2] as number, rev: v[3] as number, sender_id: v[4] as string | null,
    client_id: v[5] as string, body: v[6], created_at: v[7], edited_at: v[8], deleted_at: v[9], kind: v[10], event: v[11],
    reply_to_id: v[12], mentions: v[13], pinned_at: v[14], pinned_by: v[15],
    reactions_agg: v[16], attachments_agg: v[17],
    reply_id: v[18], reply_seq: v[19], reply_sender_id: v[20], reply_body: v[21], reply_deleted_at: v[22], reply_files: v[23],
  };
}

/** The columns of MESSAGE_COLUMNS, for `returning` (no alias). */
export const returningMessageColumns = (db: Db) => db.unsafe(MESSAGE_COLUMNS.join(", "));

/** The rows of the messages with these ids, in no particular order. */
export async function messageRowsById(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return selectMessages(db, db`m.id = any(${ids}::uuid[])`);
}
