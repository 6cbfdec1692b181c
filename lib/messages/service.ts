/**
 * Messages: sends go through one writer per process that commits every pending send in a single
 * transaction (group commit), so the conversation row lock is taken once per batch rather than
 * once per message. A send is acknowledged only after its batch commits; it is then emitted to the
 * conversation's room. Retries with the same clientId return the stored message.
 */
import { getSql } from "@/db";
import { listConversationViews } from "../conversations/service";
import { AppError, toAppError } from "../platform/errors";
import { consume, limited } from "../platform/rate-limit";
import { holdUsers, lockConversation, lockConversations } from "../platform/locks";
import { toMessageView } from "./view";
import { rooms } from "../realtime/contract";
import { type MessageView } from "./types";
import { type OpeningView } from "../conversations/types";
import { getRealtimeServer } from "../realtime/registry";
import { HISTORY_PAGE, SYNC_PAGE } from "./schemas";
import { uuidSchema } from "../platform/validation";

export interface SendInput {
  conversationId: string;
  senderId: string;
  clientId: string;
  body: string;
}

export interface SendResult {
  message: MessageView;
  /** false when this clientId was already stored (a retry) */
  created: boolean;
}

interface Pending extends SendInput {
  resolve(result: SendResult): void;
  reject(err: unknown): void;
}

/** What a committed batch gave each item (a stored message or a refusal), and the copies that follow it. */
interface Outcome {
  results: (readonly [Pending, SendResult | AppError])[];
  followers: Map<Pending, Pending[]>;
}

const MAX_BATCH = 500;
const notFound = () => new AppError("not_found", "No such conversation");
/** The other member of a direct conversation deleted the account: nobody is left to read (DESIGN.md). */
const peerDeleted = () => new AppError("forbidden", "This account was deleted");
/** The sender's account was deleted while the send was on its way (its sessions went with it). */
const accountGone = () => new AppError("unauthorized", "This account was deleted");

function emit(event: "message:new" | "message:updated", message: MessageView): void {
  getRealtimeServer()?.to(rooms.conversation(message.conversationId)).emit(event, message);
}

class MessageWriter {
  private queue: Pending[] = [];
  private draining = false;
  private idleWaiters: (() => void)[] = [];

  /** Resolves once every send handed to the writer so far is committed (or refused). */
  idle(): Promise<void> {
    if (!this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  send(input: SendInput): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...input, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      let outcome: Outcome;
      try {
        outcome = await this.commit(batch);
      } catch (err) {
        const e = toAppError(err);
        if (e.code === "unavailable" || batch.length === 1) {
          for (const p of batch) p.reject(e);
          continue;
        }
        // Nothing of the batch was committed or answered (its transaction rolled back whole, seq
        // bumps included). One bad item must not fail the others: commit each alone, in order (seq
        // order is kept, no position is skipped), so only the one at fault is refused.
        for (const p of batch) {
          try {
            outcome = await this.commit([p]);
          } catch (one) {
            p.reject(toAppError(one));
            continue;
          }
          this.answer(outcome);
        }
        continue;
      }
      this.answer(outcome);
    }
    this.draining = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** After commit: emit the new messages in seq order, then answer every sender. Never throws. */
  private answer({ results, followers }: Outcome): void {
    try {
      const created = results.filter(([, r]) => !(r instanceof AppError) && r.created) as [Pending, SendResult][];
      created.sort(([, a], [, b]) => a.message.seq - b.message.seq);
      for (const [, r] of created) emit("message:new", r.message);
    } catch (err) {
      toAppError(err); // logged; the messages are stored, and sync delivers them
    }
    for (const [p, r] of results) {
      for (const q of [p, ...(followers.get(p) ?? [])]) {
        if (r instanceof AppError) q.reject(r);
        else q.resolve(q === p ? r : { message: r.message, created: false });
      }
    }
  }

  /**
   * Commits one batch in one transaction and says what each item got; answers nobody (a throw means
   * nothing was committed). Locks in the order of lib/platform/locks.ts: the senders' rows (`for key share`),
   * then the conversations in id order, so a deletion, leave or removal racing the batch either
   * committed before it (the sender is refused) or waits for it (the message is stored first).
   */
  private async commit(batch: Pending[]): Promise<Outcome> {
    // A clientId sent twice within one batch is stored once; the later copies follow the first.
    const primary = new Map<string, Pending>();
    const followers = new Map<Pending, Pending[]>();
    for (const p of batch) {
      const key = `${p.senderId}|${p.clientId}`;
      const first = primary.get(key);
      if (first) followers.set(first, [...(followers.get(first) ?? []), p]);
      else primary.set(key, p);
    }
    const items = [...primary.values()];
    const settled = new Map<Pending, SendResult | AppError>();

    await getSql().begin(async (tx) => {
      const senders = await holdUsers(tx, items.map((p) => p.senderId));
      await lockConversations(tx, items.map((p) => p.conversationId));
      const indexed = items.map((p, i) => ({ i, c: p.conversationId, s: p.senderId, k: p.clientId }));
      const json = JSON.stringify(indexed);
      // A direct conversation whose other member deleted the account refuses new sends
      // (DESIGN.md, Conversations): nobody is left to read them. A retry of a message stored
      // before the deletion still gets its stored copy (below).
      const members = await tx`
        select x.i, (c.kind = 'direct' and not exists (
          select 1 from members other where other.conversation_id = x.c and other.user_id <> x.s)) as peer_deleted
        from jsonb_to_recordset(${json}::jsonb) as x(i int, c uuid, s uuid)
        join members m on m.conversation_id = x.c and m.user_id = x.s
        join conversations c on c.id = x.c`;
      const isMember = new Set(members.filter((r) => !r.peer_deleted).map((r) => r.i as number));
      for (const r of members) if (r.peer_deleted) settled.set(items[r.i], peerDeleted());
      const existing = await tx`
        select x.i, m.* from jsonb_to_recordset(${json}::jsonb) as x(i int, s uuid, k uuid)
        join messages m on m.sender_id = x.s and m.client_id = x.k`;
      for (const row of existing) settled.set(items[row.i], { message: toMessageView(row), created: false });

      const fresh = items.filter((p, i) => isMember.has(i) && !settled.has(p));
      for (const [i, p] of items.entries()) if (!isMember.has(i) && !settled.has(p)) settled.set(p, senders.has(p.senderId) ? notFound() : accountGone());
      if (!fresh.length) return;
      // Positions: bump each touched conversation once by its count, then hand them out in order.
      const counts = new Map<string, number>();
      for (const p of fresh) counts.set(p.conversationId, (counts.get(p.conversationId) ?? 0) + 1);
      const bumps = await tx`
        update conversations c set last_seq = c.last_seq + v.n
        from jsonb_to_recordset(${JSON.stringify([...counts].sort().map(([id, n]) => ({ id, n })))}::jsonb) as v(id uuid, n int)
        where c.id = v.id returning c.id, c.last_seq`;
      const next = new Map(bumps.map((b) => [b.id as string, Number(b.last_seq) - counts.get(b.id as string)! + 1]));
      const rows = fresh.map((p) => {
        const seq = next.get(p.conversationId)!;
        next.set(p.conversationId, seq + 1);
        return { c: p.conversationId, q: seq, s: p.senderId, k: p.clientId, b: p.body };
      });
      const inserted = await tx`
        insert into messages (conversation_id, seq, rev, sender_id, client_id, body)
        select x.c, x.q, x.q, x.s, x.k, x.b from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(c uuid, q bigint, s uuid, k uuid, b text)
        on conflict do nothing returning *`;
      const byKey = new Map(inserted.map((r) => [`${r.sender_id}|${r.client_id}`, r]));
      for (const p of fresh) {
        const row = byKey.get(`${p.senderId}|${p.clientId}`);
        if (row) settled.set(p, { message: toMessageView(row), created: true });
      }
      // Lost a race with another node storing the same clientId: answer with the stored copy.
      for (const p of fresh.filter((f) => !settled.has(f))) {
        const [row] = await tx`select * from messages where sender_id = ${p.senderId} and client_id = ${p.clientId}`;
        settled.set(p, { message: toMessageView(row), created: false });
      }
    });

    return { results: items.map((p) => [p, settled.get(p)!] as const), followers };
  }
}

const holder = globalThis as unknown as { __parleyWriter?: MessageWriter };

/** For graceful shutdown: waits for in-flight sends to commit and be acknowledged. */
export function messagesSettled(): Promise<void> {
  return holder.__parleyWriter?.idle() ?? Promise.resolve();
}

/**
 * Stores a message (or answers a retry of the same clientId with the stored one) once its batch
 * commits, then emits `message:new` to the conversation. Throws `rate_limited` past LIMITS.send
 * (counted per sender over sockets and HTTP together), `not_found` when the sender is not a member
 * (when the batch commits), `unauthorized` when the sender's account was deleted meanwhile.
 */
export async function sendMessage(input: SendInput): Promise<SendResult> {
  await consume("send", input.senderId);
  holder.__parleyWriter ??= new MessageWriter();
  return holder.__parleyWriter.send(input);
}

/** Edits or deletes the caller's own message; the change takes the conversation's next position. */
async function changeMessage(userId: string, messageId: string, change: { body: string } | { delete: true }): Promise<MessageView> {
  const sql = getSql();
  const message = await sql.begin(async (tx) => {
    // The membership is checked under the conversation's lock (lib/platform/locks.ts): a removal racing the
    // change either came first (not_found) or waits for it.
    const [located] = await tx`select conversation_id from messages where id = ${messageId}`;
    if (located) await lockConversation(tx, located.conversation_id);
    const [target] = await tx`
      select m.id, m.conversation_id, m.sender_id, m.deleted_at from messages m
      join members mb on mb.conversation_id = m.conversation_id and mb.user_id = ${userId}
      where m.id = ${messageId}`;
    if (!target) throw new AppError("not_found", "No such message");
    if (target.sender_id !== userId) throw new AppError("forbidden", "You can only change your own messages");
    if (target.deleted_at) {
      if ("delete" in change) return null; // already deleted: answer with it as it is
      throw new AppError("not_found", "That message was deleted");
    }
    const [{ last_seq: rev }] = await tx`update conversations set last_seq = last_seq + 1 where id = ${target.conversation_id} returning last_seq`;
    const [row] =
      "delete" in change
        ? await tx`update messages set body = '', deleted_at = now(), rev = ${rev} where id = ${messageId} returning *`
        : await tx`update messages set body = ${change.body}, edited_at = now(), rev = ${rev} where id = ${messageId} returning *`;
    return toMessageView(row);
  });
  if (message) {
    emit("message:updated", message);
    return message;
  }
  const [row] = await sql`select * from messages where id = ${messageId}`;
  return toMessageView(row);
}

/** Replaces the body of the caller's own message. Throws `rate_limited` past LIMITS.edit, `not_found`, `forbidden`. */
export async function editMessage(userId: string, messageId: string, body: string): Promise<MessageView> {
  return limited("edit", userId, () => changeMessage(userId, messageId, { body }));
}

/** Deletes the caller's own message (again: answers with it as it is). Throws `rate_limited` past LIMITS.delete, `not_found`, `forbidden`. */
export async function deleteMessage(userId: string, messageId: string): Promise<MessageView> {
  return limited("delete", userId, () => changeMessage(userId, messageId, { delete: true }));
}

async function requireMemberships(userId: string, conversationIds: string[]): Promise<void> {
  if (!conversationIds.length) return;
  const sql = getSql();
  const rows = await sql`select conversation_id from members where user_id = ${userId} and conversation_id in ${sql(conversationIds)}`;
  if (rows.length !== conversationIds.length) throw notFound();
}

/**
 * Every message created or changed after the given positions (rev > position), by conversation then
 * rev, at most SYNC_PAGE at a time. Throws `rate_limited` past LIMITS.sync, `not_found` when one of
 * the conversations is not the caller's.
 */
export async function syncMessages(userId: string, since: Record<string, number>): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  return limited("sync", userId, async () => {
    const ids = Object.keys(since);
    await requireMemberships(userId, ids);
    if (!ids.length) return { messages: [], hasMore: false };
    const rows = await getSql()`
      select m.* from jsonb_to_recordset(${JSON.stringify(ids.map((c) => ({ c, r: since[c] })))}::jsonb) as s(c uuid, r bigint)
      join messages m on m.conversation_id = s.c and m.rev > s.r
      order by m.conversation_id, m.rev limit ${SYNC_PAGE + 1}`;
    return { messages: rows.slice(0, SYNC_PAGE).map(toMessageView), hasMore: rows.length > SYNC_PAGE };
  });
}

/** History by seq: the newest page, or the page before / after a position; ascending. */
export async function listMessages(
  userId: string,
  conversationId: string,
  query: { before?: number; after?: number; limit?: number },
): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  await requireMemberships(userId, [conversationId]);
  const limit = query.limit ?? HISTORY_PAGE.default;
  const sql = getSql();
  const rows =
    query.after !== undefined
      ? await sql`select * from messages where conversation_id = ${conversationId} and seq > ${query.after} order by seq limit ${limit + 1}`
      : await sql`select * from messages where conversation_id = ${conversationId}
          ${query.before !== undefined ? sql`and seq < ${query.before}` : sql``} order by seq desc limit ${limit + 1}`;
  const page = rows.slice(0, limit).map(toMessageView);
  if (query.after === undefined) page.reverse();
  return { messages: page, hasMore: rows.length > limit };
}

/** A page of history for GET …/messages: listMessages, counted against LIMITS.history (rate_limited past it). */
export async function readHistory(userId: string, conversationId: string, query: { before?: number; after?: number; limit?: number }): Promise<{ messages: MessageView[]; hasMore: boolean }> {
  await consume("history", userId);
  return listMessages(userId, conversationId, query);
}

/**
 * A conversation with its newest page, as the page that opens it needs them (so the browser need
 * not ask again); null when it is not the caller's, or not a conversation id at all.
 */
export async function openingView(userId: string, conversationId: string): Promise<OpeningView | null> {
  const id = uuidSchema("id").safeParse(conversationId);
  if (!id.success) return null;
  const [conversation] = await listConversationViews(userId, [id.data]);
  if (!conversation) return null;
  return { conversation, ...(await listMessages(userId, id.data, {})) };
}

/**
 * Moves the caller's read position forward (never back, never past the end) and returns it. Only a
 * move is told to the room (`read`), so repeating a position costs no fan-out. Throws `rate_limited`
 * past LIMITS.read, `not_found` when the conversation is not the caller's.
 */
export async function markRead(userId: string, conversationId: string, seq: number): Promise<number> {
  return limited("read", userId, async () => {
    const sql = getSql();
    // The condition is re-checked on the locked row, so of two racing reads only one moves it.
    const [moved] = await sql`
      update members m set last_read_seq = least(${seq}, c.last_seq)
      from conversations c
      where c.id = m.conversation_id and m.conversation_id = ${conversationId} and m.user_id = ${userId}
        and m.last_read_seq < least(${seq}, c.last_seq)
      returning m.last_read_seq`;
    if (moved) {
      const position = Number(moved.last_read_seq);
      getRealtimeServer()?.to(rooms.conversation(conversationId)).emit("read", { conversationId, userId, seq: position });
      return position;
    }
    const [row] = await sql`select last_read_seq from members where conversation_id = ${conversationId} and user_id = ${userId}`;
    if (!row) throw notFound();
    return Number(row.last_read_seq);
  });
}
