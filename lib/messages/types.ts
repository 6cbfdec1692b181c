/** Messages as every client sees them (browser-safe). DESIGN.md, "Contract additions: Messages". */

/** A group change recorded in the timeline (a `kind: "system"` message). */
export type SystemEvent =
  | { type: "renamed"; title: string }
  | { type: "members_added"; userIds: string[] }
  | { type: "member_removed"; userId: string }
  | { type: "member_left"; userId: string }
  | { type: "owner_changed"; userId: string };

/** The original a reply quotes: its body cut to REPLY_PREVIEW_MAX code points on a grapheme boundary; "" and `deleted` once deleted. */
export interface ReplyPreview {
  id: string;
  seq: number;
  senderId: string | null;
  body: string;
  deleted: boolean;
  /** the original's file names in order ([] when it has none or was deleted): a quote of files alone shows them */
  files: string[];
}

/** One emoji on a message: who put it there, oldest first. */
export interface ReactionView {
  emoji: string;
  count: number;
  userIds: string[];
}

/** A file attached to a message (issue 14; lib/attachments/). */
export interface AttachmentView {
  id: string;
  name: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
  thumbnailUrl: string | null;
}

/** The fields of an attachment as stored, as the read paths aggregate them (`attachments_agg`). */
export interface AttachmentFields {
  id: string;
  name: string;
  contentType: string;
  size: number | string;
  width: number | null;
  height: number | null;
  /** whether it has a thumbnail */
  thumb: boolean;
}

/** AttachmentView from stored fields: its URLs are derived from its id (GET /api/attachments/:id[/thumbnail]). */
export function attachmentView(a: AttachmentFields): AttachmentView {
  const url = `/api/attachments/${a.id}`;
  return { id: a.id, name: a.name, contentType: a.contentType, size: Number(a.size), width: a.width ?? null, height: a.height ?? null, url, thumbnailUrl: a.thumb ? `${url}/thumbnail` : null };
}

/** A message as every client sees it. `seq`/`rev` are numbers, times ISO strings. */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  /** the position of its last change: seq when created, a new position on edit, delete, reaction or pin */
  rev: number;
  kind: "text" | "system";
  /** null for text messages */
  event: SystemEvent | null;
  /** null once the sender deleted their account ("Deleted user"); null for a system message no one did */
  senderId: string | null;
  clientId: string;
  /** "" once deleted, and for system messages */
  body: string;
  replyTo: ReplyPreview | null;
  /** user ids mentioned (members when sent), or "all" */
  mentions: string[];
  reactions: ReactionView[];
  attachments: AttachmentView[];
  pinnedAt: string | null;
  pinnedBy: string | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** A reply's preview is cut to this many code points (DESIGN.md). */
export const REPLY_PREVIEW_MAX = 200;

/** The quote a reply to `original` carries, as the server builds it (what a pending reply shows until its ack). */
export function replyPreviewOf(original: MessageView): ReplyPreview {
  const deleted = original.deletedAt !== null;
  return { id: original.id, seq: original.seq, senderId: original.senderId, body: deleted ? "" : cutOnGrapheme(original.body), deleted, files: deleted ? [] : original.attachments.map((a) => a.name) };
}

/** `body` cut to at most `max` code points, on a grapheme boundary (Intl.Segmenter, UAX #29). */
export function cutOnGrapheme(body: string, max = REPLY_PREVIEW_MAX): string {
  if (body.length <= max) return body; // UTF-16 length ≥ code points
  let out = "";
  let points = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(body)) {
    const n = [...segment].length;
    if (points + n > max) break;
    out += segment;
    points += n;
  }
  return out;
}

/** An aggregated reaction as the protocol's: its emoji, who reacted (oldest first) and how many. */
function reactionView(r: { emoji: string; userIds: string[] }): { emoji: string; count: number; userIds: string[] } {
  return { emoji: r.emoji, count: r.userIds.length, userIds: r.userIds };
}

/** A row's column by its Drizzle (camelCase) or raw (snake_case) name. */
function field(row: Record<string, unknown>, camel: string, snake: string): unknown {
  const v = row[camel];
  return v !== undefined ? v : row[snake];
}

/**
 * A time as the protocol's ISO string (null stays null). A Date (as postgres.js reads timestamptz) is
 * formatted as it is: copying it first cost a second Date per field, through Next's patched Date
 * constructor in the server (issue 15 item 1: CPU per message).
 */
function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") {
    const fast = isoFromUtcText(v);
    if (fast) return fast;
  }
  return (v instanceof Date ? v : new Date(v as string)).toISOString();
}

/** PostgreSQL's text of a timestamptz in UTC, "2026-12-02 04:07:00.123456+00" (fraction optional). */
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * The ISO string of PostgreSQL's text of a UTC timestamptz (what the raw client reads; Drizzle's parsers
 * leave timestamps as text), without a Date: Next patches the server's Date constructor, and a catch-up of
 * 1,000 messages made 2,000 of them. The fraction is cut to milliseconds, as Date does. Null for any other
 * form (another time zone, a year past 9999), which iso() then reads through Date.
 */
function isoFromUtcText(text: string): string | null {
  const m = UTC_TEXT.exec(text);
  if (!m) return null;
  return `${m[1]}T${m[2]}.${((m[3] ?? "") + "000").slice(0, 3)}Z`;
}

/**
 * A messages row (Drizzle camelCase or raw snake_case) as the protocol's Message. The row may carry
 * the aggregates of db/message-rows.ts: `reactions_agg` (json [{ emoji, userIds }]) and the
 * replied-to original as `reply_id`, `reply_seq`, `reply_sender_id`, `reply_body`, `reply_deleted_at`,
 * `reply_files` (its file names in order).
 */
export function toMessageView(row: Record<string, unknown>): MessageView {
  // no closures here: tsx names each one as it is made (__name), and this runs for every message read
  const deletedAt = iso(field(row, "deletedAt", "deleted_at"));
  const replyId = row.reply_id as string | null | undefined;
  const reactions = ((row.reactions_agg as { emoji: string; userIds: string[] }[] | null | undefined) ?? []).map(reactionView);
  const replyDeleted = row.reply_deleted_at !== null && row.reply_deleted_at !== undefined;
  return {
    id: String(row.id),
    conversationId: String(field(row, "conversationId", "conversation_id")),
    seq: Number(row.seq),
    rev: Number(row.rev),
    kind: ((row.kind as string | undefined) ?? "text") === "system" ? "system" : "text",
    event: (row.event as SystemEvent | null | undefined) ?? null,
    senderId: (field(row, "senderId", "sender_id") as string | null) ?? null,
    clientId: String(field(row, "clientId", "client_id")),
    body: deletedAt ? "" : String(row.body),
    replyTo: replyId
      ? {
          id: replyId,
          seq: Number(row.reply_seq),
          senderId: (row.reply_sender_id as string | null) ?? null,
          body: replyDeleted ? "" : cutOnGrapheme(String(row.reply_body ?? "")),
          deleted: replyDeleted,
          files: replyDeleted ? [] : ((row.reply_files as string[] | null | undefined) ?? []),
        }
      : null,
    mentions: deletedAt ? [] : ((row.mentions as string[] | null | undefined) ?? []),
    reactions: deletedAt ? [] : reactions,
    attachments: deletedAt ? [] : ((row.attachments_agg as AttachmentFields[] | null | undefined) ?? []).map(attachmentView),
    pinnedAt: iso(field(row, "pinnedAt", "pinned_at")),
    pinnedBy: (field(row, "pinnedBy", "pinned_by") as string | null | undefined) ?? null,
    createdAt: iso(field(row, "createdAt", "created_at"))!,
    editedAt: iso(field(row, "editedAt", "edited_at")),
    deletedAt,
  };
}

/** The fields of a plain text message beyond its text: no reply, mention, reaction, file or pin (fixtures, the relay bench). */
export const PLAIN_TEXT = { kind: "text", event: null, replyTo: null, mentions: [], reactions: [], attachments: [], pinnedAt: null, pinnedBy: null } as const satisfies Partial<MessageView>;
