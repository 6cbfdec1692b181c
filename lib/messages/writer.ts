/**
 * The group-commit writer: one per process, it commits every pending send in a single transaction,
 * so the conversation row lock is taken once per batch rather than once per message (DESIGN.md,
 * Performance facts). A send is answered only after its batch commits; the stored messages are
 * published (`message.created`, in seq order) before the senders are answered.
 */
import "server-only";
import { getSql } from "@/db";
import { noSuchConversation } from "../conversations/access";
import { publish } from "../platform/events";
import { AppError, isConnectionError, toAppError } from "../platform/errors";
import { holdUsers, lockConversations } from "../platform/locks";
import type { Tx } from "../platform/events";
import { singleton } from "../platform/singleton";
import "./events";
import { resolveMentions } from "./mentioned";
import { positionsTaken } from "./positions";
import { messageRow, messageRowsById, replyFiles, returningMessageColumns, selectMessages } from "@/db/message-rows";
import { toMessageView } from "./types";
import type { MessageView } from "./types";

export interface SendInput {
  conversationId: string;
  senderId: string;
  clientId: string;
  body: string;
  /** the id of the message this one replies to (same conversation, else `bad_request`) */
  replyTo?: string | null;
  /** the sender's own unsent uploads this message carries, in order (else `bad_request`) */
  attachmentIds?: string[];
}

export interface SendResult {
  message: MessageView;
  /** false when this clientId was already stored (a retry) */
  created: boolean;
}

/** One committed batch, for observers (the benchmark's trace): items, and milliseconds spent. */
export interface BatchTiming {
  size: number;
  /** the transaction alone */
  transactionMs: number;
  /** the transaction, publishing the messages and answering the senders */
  batchMs: number;
}

interface Pending extends SendInput {
  resolve(result: SendResult): void;
  reject(err: unknown): void;
}

/** What a committed batch gave each item (a stored message or a refusal), and the copies that follow it. */
interface Outcome {
  results: (readonly [Pending, SendResult | AppError])[];
  followers: Map<Pending, Pending[]>;
  transactionMs: number;
}

const MAX_BATCH = 500;
/** The other member of a direct conversation deleted the account: nobody is left to read (DESIGN.md). */
const peerDeleted = () => new AppError("forbidden", "This account was deleted");
/** The sender's account was deleted while the send was on its way (its sessions went with it). */
const accountGone = () => new AppError("unauthorized", "This account was deleted");
const clientIdTaken = () => new AppError("bad_request", "This clientId was already used for a message in another conversation");
const badReply = () => new AppError("bad_request", "replyTo must be a message of this conversation");
const badAttachment = () => new AppError("bad_request", "attachmentIds must name your own uploads that no message carries yet", { attachmentIds: "Unknown, not yours, or already sent" });

const observers = () => singleton("message-batch-observers", () => new Set<(timing: BatchTiming) => void>());

/** Calls `observer` after every committed batch (the benchmark times group commits with it); returns the unsubscribe. */
export function observeBatches(observer: (timing: BatchTiming) => void): () => void {
  observers().add(observer);
  return () => void observers().delete(observer);
}

export class MessageWriter {
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
      // Not `{ ...input, resolve, reject }`: V8 (Node 20) takes about 3 µs for a spread followed by
      // new properties, against 0.1 µs for this (issue 15 item 1: CPU per message).
      this.queue.push(Object.assign({ resolve, reject }, input));
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const started = performance.now();
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
          await this.answer(outcome);
        }
        continue;
      }
      await this.answer(outcome);
      const timing = { size: batch.length, transactionMs: outcome.transactionMs, batchMs: performance.now() - started };
      for (const observe of observers()) observe(timing);
    }
    this.draining = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** After commit: publish the new messages in seq order, then answer every sender. Never throws. */
  private async answer({ results, followers }: Outcome): Promise<void> {
    const created = results.filter(([, r]) => !(r instanceof AppError) && r.created) as [Pending, SendResult][];
    created.sort(([, a], [, b]) => a.message.seq - b.message.seq);
    // publish() logs a failing subscriber and goes on: the messages are stored, and sync delivers them
    await publish(...created.map(([, r]) => ({ type: "message.created" as const, message: r.message })));
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

    const started = performance.now();
    const connection = await getSql().reserve();
    let reusable = true;
    try {
      await this.store(connection as unknown as Tx, items, settled);
    } catch (err) {
      // A connection that is gone is not handed back (postgres.js reconnects it on its own); any
      // other failure rolls back first (after a failed statement, the pipelined COMMIT already did).
      reusable = !isConnectionError(err) && (await connection`rollback`.then(() => true, () => false));
      throw err;
    } finally {
      if (reusable) connection.release();
    }
    return { results: items.map((p) => [p, settled.get(p)!] as const), followers, transactionMs: performance.now() - started };
  }

  /**
   * The batch's transaction on a reserved connection, `tx`: BEGIN goes out with the locks and reads,
   * and COMMIT with the INSERT, so a batch waits for PostgreSQL twice rather than eight times (each
   * wait costs a loopback write and a wake-up on both sides: issue 15, CPU per message).
   * postgres.js pipelines the queries issued before the first answer, and PostgreSQL runs them in
   * order, each ending in its own Sync: after a failed statement the ones behind it fail, and the
   * pipelined COMMIT rolls back. Fills `settled`; throws when nothing was committed.
   */
  private async store(tx: Tx, items: Pending[], settled: Map<Pending, SendResult | AppError>): Promise<void> {
    const indexed = items.map((p, i) => ({ i, c: p.conversationId, s: p.senderId, k: p.clientId }));
    const json = JSON.stringify(indexed);
    // A direct conversation whose other member deleted the account refuses new sends
    // (DESIGN.md, Conversations): nobody is left to read them. A retry of a message stored
    // before the deletion still gets its stored copy (below). One row per item whose sender is a
    // member, with the id and conversation of a message this sender already stored under this
    // clientId (a retry): one probe of the unique index on (sender_id, client_id) per item, however
    // large `messages` grows, where a lookup through selectMessages' whole view took 3 ms a batch.
    // The first statements go out together and run in the order they are started (each is sent at
    // its call: `.execute()`, and the helpers do the same): BEGIN, then the locks in the order of
    // lib/platform/locks.ts, then the memberships and mentions, read under them.
    const [, senders, , members, mentions] = await Promise.all([
      tx`begin`.execute(),
      holdUsers(tx, items.map((p) => p.senderId)),
      lockConversations(tx, items.map((p) => p.conversationId)),
      tx`
      select x.i, (c.kind = 'direct' and not exists (
          select 1 from members other where other.conversation_id = x.c and other.user_id <> x.s)) as peer_deleted,
        stored.id as stored_id, stored.conversation_id as stored_conversation_id
      from jsonb_to_recordset(${json}::jsonb) as x(i int, c uuid, s uuid, k uuid)
      join members m on m.conversation_id = x.c and m.user_id = x.s
      join conversations c on c.id = x.c
      left join messages stored on stored.sender_id = x.s and stored.client_id = x.k`.execute(),
      resolveMentions(tx, items),
    ]);
    const isMember = new Set(members.filter((r) => !r.peer_deleted).map((r) => r.i as number));
    for (const r of members) if (r.peer_deleted) settled.set(items[r.i], peerDeleted());
    // A retry answers the stored copy only to a sender who is still in its conversation: the copy
    // carries live data (the reply's preview, reactions, the pin) that a removed member must not read.
    const retries = members.filter((r) => r.stored_id !== null);
    for (const r of retries) if (r.stored_conversation_id !== items[r.i].conversationId) settled.set(items[r.i], clientIdTaken());
    const stored = retries.filter((r) => r.stored_conversation_id === items[r.i].conversationId);
    if (stored.length) {
      const rows = new Map((await messageRowsById(tx, stored.map((r) => r.stored_id as string))).map((row) => [row.id, row]));
      for (const r of stored) settled.set(items[r.i], { message: toMessageView(rows.get(r.stored_id as string)!), created: false });
    }
    // A reply names a message of the same conversation (DESIGN.md); a system message counts too.
    // Checked for members only, so a stranger cannot probe which conversation a message is in.
    // Their previews go out with the new messages (as toMessageView reads them: reply_*).
    const replying = items.filter((p, i) => p.replyTo && isMember.has(i) && !settled.has(p));
    const originals = new Map<string, Record<string, unknown>>();
    if (replying.length) {
      const found = await tx`
        select id as reply_id, conversation_id, seq as reply_seq, sender_id as reply_sender_id, body as reply_body, deleted_at as reply_deleted_at,
          ${replyFiles(tx, "messages.id")} as reply_files
        from messages where id = any(${[...new Set(replying.map((p) => p.replyTo!))]}::uuid[])`;
      for (const r of found) originals.set(r.reply_id as string, r);
      for (const p of replying) if (originals.get(p.replyTo!)?.conversation_id !== p.conversationId) settled.set(p, badReply());
    }

    // Files: the sender's own finished uploads that no message carries yet, each claimed once
    // (DESIGN.md: an unknown or foreign id is 400). Their rows are locked until commit, so two
    // sends racing for one upload (here or on another node) cannot both take it.
    const claiming = items.filter((p, i) => p.attachmentIds?.length && isMember.has(i) && !settled.has(p));
    const files = new Map<string, Record<string, unknown>>();
    if (claiming.length) {
      const ids = [...new Set(claiming.flatMap((p) => p.attachmentIds!))];
      const found = await tx`
        select id, uploader_id, name, content_type, size, width, height, thumbnail_size from attachments
        where id = any(${ids}::uuid[]) and message_id is null and sha256 <> '' order by id for update`;
      for (const r of found) files.set(r.id as string, r);
      const taken = new Set<string>();
      for (const p of claiming) {
        if (!p.attachmentIds!.every((id) => files.get(id)?.uploader_id === p.senderId && !taken.has(id))) settled.set(p, badAttachment());
        else for (const id of p.attachmentIds!) taken.add(id);
      }
    }

    const fresh = items.filter((p, i) => isMember.has(i) && !settled.has(p));
    for (const [i, p] of items.entries()) if (!isMember.has(i) && !settled.has(p)) settled.set(p, senders.has(p.senderId) ? noSuchConversation() : accountGone());
    if (!fresh.length) {
      await tx`commit`;
      return;
    }
    // Positions: each touched conversation's block is taken by the statement that stores the
    // messages; each message's offset in its block (o) follows the batch's order.
    const counts = new Map<string, number>();
    const mentionsOf = new Map(items.map((p, i) => [p, mentions[i]]));
    const rows = fresh.map((p) => {
      const o = counts.get(p.conversationId) ?? 0;
      counts.set(p.conversationId, o + 1);
      return { c: p.conversationId, o, s: p.senderId, k: p.clientId, b: p.body, r: p.replyTo ?? null, m: mentionsOf.get(p) };
    });
    // as fixed-shape rows (messageRow), not postgres.js's one-property-at-a-time objects
    const insert = tx`
      with positions as (${positionsTaken(tx, counts)})
      insert into messages (conversation_id, seq, rev, sender_id, client_id, body, reply_to_id, mentions)
      select x.c, p.first + x.o, p.first + x.o, x.s, x.k, x.b, x.r, array(select jsonb_array_elements_text(x.m))
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(c uuid, o int, s uuid, k uuid, b text, r uuid, m jsonb)
      join positions p on p.id = x.c
      on conflict do nothing returning ${returningMessageColumns(tx)}`
      .values()
      .execute();
    // Claimed files are marked with their message's id, which the INSERT returns: COMMIT waits for that.
    const carriesFiles = fresh.some((p) => p.attachmentIds?.length);
    const inserted = (carriesFiles ? await insert : (await Promise.all([insert, tx`commit`.execute()]))[0]).map(messageRow);
    // new messages have no reactions yet; a reply carries its original's preview
    const byKey = new Map(inserted.map((r) => [`${r.sender_id}|${r.client_id}`, r.reply_to_id ? { ...r, ...originals.get(r.reply_to_id as string) } : r]));
    const claims = fresh.flatMap((p) => {
      const row = byKey.get(`${p.senderId}|${p.clientId}`);
      if (!row || !p.attachmentIds?.length) return [];
      row.attachments_agg = p.attachmentIds.map((id) => {
        const a = files.get(id)!;
        return { id, name: a.name, contentType: a.content_type, size: a.size, width: a.width, height: a.height, thumb: a.thumbnail_size !== null };
      });
      return p.attachmentIds.map((id, position) => ({ a: id, m: row.id, c: p.conversationId, p: position }));
    });
    if (claims.length) {
      await tx`update attachments set message_id = x.m, conversation_id = x.c, position = x.p
        from jsonb_to_recordset(${JSON.stringify(claims)}::jsonb) as x(a uuid, m uuid, c uuid, p int) where attachments.id = x.a`;
    }
    if (carriesFiles) await tx`commit`;
    for (const p of fresh) {
      const row = byKey.get(`${p.senderId}|${p.clientId}`);
      if (row) settled.set(p, { message: toMessageView(row), created: true });
    }
    // Lost a race with another node storing the same clientId (ON CONFLICT waited for its commit):
    // answer with the stored copy, read after this commit, like any retry (a clientId another
    // conversation holds is refused). Its sender's account may have been deleted since. The batch
    // is committed: a failure here is that item's answer (a retry finds the copy), never a throw.
    for (const p of fresh.filter((f) => !settled.has(f))) {
      try {
        const [row] = await selectMessages(tx, tx`m.sender_id = ${p.senderId} and m.client_id = ${p.clientId}`);
        if (!row) settled.set(p, accountGone());
        else settled.set(p, row.conversation_id === p.conversationId ? { message: toMessageView(row), created: false } : clientIdTaken());
      } catch (err) {
        settled.set(p, toAppError(err));
      }
    }
  }
}
