/**
 * The group-commit writer: one per process, it commits every pending send in a single transaction,
 * so the conversation row lock is taken once per batch rather than once per message (DESIGN.md,
 * Performance facts). A send is answered only after its batch commits; the stored messages are
 * published (`message.created`, in seq order) before the senders are answered.
 */
import "server-only";
import type postgres from "postgres";
import type { Row } from "postgres";
import { getSql } from "@/db";
import { identify, transactionOutcome, type TransactionIdentity } from "@/db/transaction";
import { noSuchConversation } from "../conversations/access";
import { publish } from "../platform/events";
import { AppError, isConnectionError, toAppError } from "../platform/errors";
import { holdUsers, lockClientIds, lockConversations } from "../platform/locks";
import type { Tx } from "../platform/events";
import { singleton } from "../platform/singleton";
import "./events";
import { storedMentions } from "./mentioned";
import { mentionNames } from "./rules";
import { positionsTaken, positionsTakenFrom } from "./positions";
import { MESSAGE_COLUMNS, messageRow, messageRowsById, replyFiles, returningMessageColumns, selectMessages } from "@/db/message-rows";
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
  /** items left for the next batch (a clientId this batch also stores in another conversation) */
  deferred: Pending[];
  transactionMs: number;
}

const MAX_BATCH = 500;
/** How long a batch waits for a connection of its own before its sends are answered `unavailable`. */
export const RESERVE_WAIT_MS = 10_000;

/**
 * getSql().reserve(), but after `ms` without a connection it throws `unavailable` (and releases the
 * connection should it come later). The writer is one per process and every send waits for it, so a
 * wait that never ends would hang every send of the node: a pool exhausted for good, or postgres.js
 * 3.4.9 losing a waiting reservation when another of its connections closes, which a helper attacking
 * the writer saw in 3 of 5 runs of two writers whose connections broke at random (not pinned down).
 */
async function reserveWithin(ms: number): Promise<postgres.ReservedSql> {
  const reserving = getSql().reserve();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("unavailable", "The service is temporarily unavailable. Try again shortly.")), ms);
  });
  try {
    return await Promise.race([reserving, late]);
  } catch (err) {
    reserving.then((connection) => connection.release(), () => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
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
          this.queue.unshift(...outcome.deferred);
        }
        continue;
      }
      await this.answer(outcome);
      this.queue.unshift(...outcome.deferred);
      const timing = { size: batch.length - outcome.deferred.length, transactionMs: outcome.transactionMs, batchMs: performance.now() - started };
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
   * Commits one batch in one transaction and says what each item got; answers nobody. Throws only when
   * nothing was committed, as far as PostgreSQL can tell (recoverCommitted): a batch that committed
   * although its statements threw (the connection broke after COMMIT went out) is returned as committed.
   * Locks in the order of lib/platform/locks.ts: the senders' rows (`for key share`), then the
   * conversations in id order, so a deletion, leave or removal racing the batch either committed before
   * it (the sender is refused) or waits for it (the message is stored first).
   */
  private async commit(batch: Pending[]): Promise<Outcome> {
    // A clientId sent twice within one batch to one conversation is stored once; the later copies
    // follow the first. A copy naming another conversation waits for the next batch, where it meets
    // the first's stored message (bad_request, like any clientId used elsewhere: never answered with
    // a message of another conversation) or, if the first was refused, is stored itself.
    const primary = new Map<string, Pending>();
    const followers = new Map<Pending, Pending[]>();
    const deferred: Pending[] = [];
    for (const p of batch) {
      const key = `${p.senderId}|${p.clientId}`;
      const first = primary.get(key);
      if (!first) primary.set(key, p);
      else if (first.conversationId === p.conversationId) followers.set(first, [...(followers.get(first) ?? []), p]);
      else deferred.push(p);
    }
    const items = [...primary.values()];
    const settled = new Map<Pending, SendResult | AppError>();

    const started = performance.now();
    const connection = await reserveWithin(RESERVE_WAIT_MS);
    const transaction: TransactionIdentity = {};
    let failed: { err: unknown } | undefined;
    let reusable = true;
    try {
      await this.store(connection as unknown as Tx, items, settled, transaction);
    } catch (err) {
      failed = { err };
      // A connection that is gone is not handed back (postgres.js reconnects it on its own); any
      // other failure rolls back first (after a failed statement, the pipelined COMMIT already did).
      reusable = !isConnectionError(err) && (await connection`rollback`.then(() => true, () => false));
    } finally {
      if (reusable) connection.release();
    }
    if (failed) {
      // A throw does not prove that nothing was committed: the connection may have broken after
      // COMMIT went out, its answer lost. PostgreSQL knows.
      const recovered = await this.recoverCommitted(transaction, items, followers, deferred);
      if (!recovered) throw failed.err;
      return { results: recovered.results, followers, deferred: recovered.deferred, transactionMs: performance.now() - started };
    }
    return { results: items.map((p) => [p, settled.get(p)!] as const), followers, deferred, transactionMs: performance.now() - started };
  }

  /**
   * After a batch threw: whether its transaction committed after all (transactionOutcome, with the id
   * the batch's first statements returned). Aborted or unknown: null, and the caller goes on as for any
   * failed batch (nothing of it is stored, as far as PostgreSQL can tell). Committed: the messages this
   * transaction inserted are this batch's new messages, answered `created: true` (with their copies,
   * `followers`) and published as after any commit; every other item (refused, a retry, a race lost)
   * goes back to the queue with its copies and `deferred`, where the next batch gives it the answer a
   * client's retry would get. A row this transaction inserted has its id as `xmin` until the row is
   * next updated (a reaction, an edit, a pin in the meantime) and its start as `created_at` for good;
   * either marks it (a retry's row was inserted by an earlier transaction, which started earlier).
   * Never throws.
   */
  private async recoverCommitted(
    transaction: TransactionIdentity,
    items: Pending[],
    followers: Map<Pending, Pending[]>,
    deferred: Pending[],
  ): Promise<{ results: (readonly [Pending, SendResult])[]; deferred: Pending[] } | null> {
    if ((await transactionOutcome(transaction)) !== "committed") return null;
    const sql = getSql();
    try {
      // xmin holds the 32-bit transaction id, the xid8's low half
      const xmin = String(BigInt(transaction.xid!) & 0xffffffffn);
      const rows = await selectMessages(sql, sql`(m.sender_id, m.client_id) in (
          select * from unnest(${items.map((p) => p.senderId)}::uuid[], ${items.map((p) => p.clientId)}::uuid[]))
        and (m.xmin::text = ${xmin} or m.created_at = ${transaction.started ?? null}::timestamptz)`);
      const ours = new Map(rows.map((row) => [`${row.sender_id}|${row.client_id}`, row]));
      const results: (readonly [Pending, SendResult])[] = [];
      const again: Pending[] = [];
      for (const p of items) {
        const row = ours.get(`${p.senderId}|${p.clientId}`);
        if (row && row.conversation_id === p.conversationId) results.push([p, { message: toMessageView(row), created: true }]);
        else again.push(p, ...(followers.get(p) ?? []));
      }
      return { results, deferred: [...again, ...deferred] };
    } catch {
      // committed, but its messages could not be read: their senders' retries find them (created: false)
      return null;
    }
  }

  /**
   * The batch's transaction on a reserved connection, `tx`. postgres.js pipelines the queries issued
   * before the first answer, and PostgreSQL runs them in order, each ending in its own Sync: after a
   * failed statement the ones behind it fail, and a pipelined COMMIT rolls back. Each wait for
   * PostgreSQL costs a loopback write and a wake-up on both sides (issue 15, CPU per message), so a
   * batch of plain text messages (storeText) waits once, and one with replies or files twice or
   * more (storeRich). Fills `settled`, and `transaction` once the first answers arrive. Throws when
   * something failed before the commit, and not after it (but see recoverCommitted).
   */
  private async store(tx: Tx, items: Pending[], settled: Map<Pending, SendResult | AppError>, transaction: TransactionIdentity): Promise<void> {
    if (items.every((p) => !p.replyTo && !p.attachmentIds?.length)) await this.storeText(tx, items, settled, transaction);
    else await this.storeRich(tx, items, settled, transaction);
    await this.settleLeftovers(tx, items, settled);
  }

  /**
   * BEGIN and the locks in the order of lib/platform/locks.ts: the senders held (for key share), the
   * conversations in id order, then the items' clientIds (so two nodes storing one clientId into two
   * conversations take turns, and the second sees the first's copy before it takes a position). Each
   * statement is sent at its call (the helpers use `.execute()`), so these and the statements started
   * right after them go out in one write and run in this order. Resolves to the senders whose accounts
   * still exist.
   */
  private lock(tx: Tx, items: Pending[], transaction: TransactionIdentity): Promise<Set<string>> {
    return Promise.all([
      tx`begin`.execute(),
      identify(tx, transaction),
      holdUsers(tx, items.map((p) => p.senderId)),
      lockConversations(tx, items.map((p) => p.conversationId)),
      lockClientIds(tx, items.map((p) => [p.senderId, p.clientId])),
    ]).then(([, , senders]) => senders);
  }

  /**
   * `checked as (…)`, a CTE of the batch's items (`rows`, each at least `i`, `c`, `s`, `k`: its index,
   * conversation, sender and clientId) with what the send's rules need, read under the locks: whether
   * the sender is a member; whether it is a direct conversation whose other member deleted the account
   * (DESIGN.md, Conversations: nobody is left to read, so new sends are refused); and the id and
   * conversation of a message this sender already stored under this clientId (a retry): one probe of
   * the unique index on (sender_id, client_id) per item, however large `messages` grows, where a
   * lookup through selectMessages' whole view took 3 ms a batch. Each is a lateral subquery per item,
   * its `limit 1` keeping it from being made a join: PostgreSQL guesses 100 items, and as joins (or as
   * `exists`, which it may hash) it read all of `messages` and `members` for them
   * (tests/domain/query-plans.test.ts). `columns` declares the JSON's keys.
   */
  private checked(tx: Tx, rows: object[], columns: string) {
    return tx`checked as (
      select x.*, m.found is not null as member,
        ((select kind from conversations where id = x.c) = 'direct' and not exists (
          select 1 from members other where other.conversation_id = x.c and other.user_id <> x.s)) as peer_deleted,
        stored.id as stored_id, stored.conversation_id as stored_conversation_id
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${tx.unsafe(columns)})
      left join lateral (select true as found from members where conversation_id = x.c and user_id = x.s limit 1) m on true
      left join lateral (
        select id, conversation_id from messages where sender_id = x.s and client_id = x.k limit 1) stored on true)`;
  }

  /**
   * What `checked`'s rows (i, member, peer_deleted, stored_id, stored_conversation_id) refuse, into
   * `settled`, in this order: a sender who is not a member (its account gone, if it is no longer held),
   * a clientId stored in another conversation, a direct conversation whose peer is gone. Returns the
   * indexes of the items that may be stored, and the stored copies (by item index) a retry in the same
   * conversation is answered with.
   */
  private refusals(items: Pending[], senders: Set<string>, checked: Row[], settled: Map<Pending, SendResult | AppError>): { fresh: Set<number>; copies: Map<number, string> } {
    const fresh = new Set<number>();
    const copies = new Map<number, string>();
    for (const r of checked) {
      const i = r.i as number;
      const p = items[i];
      if (!r.member) settled.set(p, senders.has(p.senderId) ? noSuchConversation() : accountGone());
      else if (r.stored_id !== null && r.stored_conversation_id !== p.conversationId) settled.set(p, clientIdTaken());
      // a retry of a message stored before the peer's deletion still gets its stored copy
      else if (r.stored_id !== null) copies.set(i, r.stored_id as string);
      else if (r.peer_deleted) settled.set(p, peerDeleted());
      else fresh.add(i);
    }
    return { fresh, copies };
  }

  /**
   * Plain text messages in one wait: BEGIN and the locks, then one statement, then COMMIT, all in one
   * write. The statement checks the items (`checked`), stores those the rules allow, taking their
   * positions (a CTE bumping each touched conversation's counter by what it stores, so no position is
   * skipped) and resolving their mentions (storedMentions), and returns each item's checks with its
   * stored message, if any. A retry's stored copy is read after the commit, and only for a sender still
   * in its conversation (the copy carries live data: reactions, the pin).
   */
  private async storeText(tx: Tx, items: Pending[], settled: Map<Pending, SendResult | AppError>, transaction: TransactionIdentity): Promise<void> {
    const locked = this.lock(tx, items, transaction);
    const rows = items.map((p, i) => ({ i, c: p.conversationId, s: p.senderId, k: p.clientId, b: p.body, n: mentionNames(p.body) }));
    const conversationIds = [...new Set(items.map((p) => p.conversationId))].sort();
    // storedMentions only when some body names someone: otherwise no subquery per message (a second prepared statement)
    const mentions = rows.some((r) => r.n.length) ? storedMentions(tx, "f.n", "f.c") : tx`array[]::text[]`;
    const stored = tx`
      with ${this.checked(tx, rows, "i int, c uuid, s uuid, k uuid, b text, n jsonb")},
      fresh as (
        select checked.*, (row_number() over (partition by checked.c order by checked.i) - 1)::int as o
        from checked where member and not peer_deleted and stored_id is null),
      positions as (${positionsTakenFrom(tx, tx`(select fresh.c as id, count(*)::int as n from fresh group by fresh.c) v`, conversationIds)}),
      inserted as (
        insert into messages (conversation_id, seq, rev, sender_id, client_id, body, mentions)
        select f.c, p.first + f.o, p.first + f.o, f.s, f.k, f.b, ${mentions}
        from fresh f join positions p on p.id = f.c
        on conflict do nothing returning ${returningMessageColumns(tx)})
      select ${tx.unsafe(MESSAGE_COLUMNS.map((c) => `inserted.${c}`).join(", "))},
        checked.i, checked.member, checked.peer_deleted, checked.stored_id, checked.stored_conversation_id
      from checked left join inserted on inserted.sender_id = checked.s and inserted.client_id = checked.k`
      .values()
      .execute();
    const [senders, values] = await Promise.all([locked, stored, tx`commit`.execute()]);
    // each row: the message's columns (null when not stored here), then the item's checks
    const n = MESSAGE_COLUMNS.length;
    const checks = values.map((v) => ({ i: v[n], member: v[n + 1], peer_deleted: v[n + 2], stored_id: v[n + 3], stored_conversation_id: v[n + 4] }) as Row);
    const { copies } = this.refusals(items, senders, checks, settled);
    for (const v of values) {
      if (v[0] !== null) settled.set(items[v[n] as number], { message: toMessageView(messageRow(v.slice(0, n))), created: true });
    }
    if (!copies.size) return;
    // The batch is committed: from here a failure is these items' answer (a retry finds the copy), not
    // a throw, which would send the batch through recoverCommitted (one more wait; these items answered
    // by the next batch). But a broken connection is thrown: it must not go back to the pool, and
    // recoverCommitted answers the batch.
    try {
      const found = await selectMessages(tx, tx`m.id = any(${[...copies.values()]}::uuid[])
        and exists (select 1 from members mb where mb.conversation_id = m.conversation_id and mb.user_id = m.sender_id)`);
      const rowsById = new Map(found.map((row) => [row.id, row]));
      for (const [i, id] of copies) {
        const row = rowsById.get(id);
        settled.set(items[i], row ? { message: toMessageView(row), created: false } : noSuchConversation());
      }
    } catch (err) {
      if (isConnectionError(err)) throw err;
      for (const i of copies.keys()) settled.set(items[i], toAppError(err));
    }
  }

  /**
   * A batch with replies or files: BEGIN, the locks and the items' checks in one wait; the replied-to
   * originals and the files are read under the locks (each in its own wait, only when the batch has
   * them); the INSERT, which takes the positions in a CTE, goes out with COMMIT, or before the files
   * are claimed and then COMMIT.
   */
  private async storeRich(tx: Tx, items: Pending[], settled: Map<Pending, SendResult | AppError>, transaction: TransactionIdentity): Promise<void> {
    const keys = items.map((p, i) => ({ i, c: p.conversationId, s: p.senderId, k: p.clientId }));
    const [senders, checks] = await Promise.all([
      this.lock(tx, items, transaction),
      tx`with ${this.checked(tx, keys, "i int, c uuid, s uuid, k uuid")} select i, member, peer_deleted, stored_id, stored_conversation_id from checked`.execute(),
    ]);
    const { fresh: allowed, copies } = this.refusals(items, senders, checks, settled);
    if (copies.size) {
      const rows = new Map((await messageRowsById(tx, [...copies.values()])).map((row) => [row.id, row]));
      for (const [i, id] of copies) settled.set(items[i], { message: toMessageView(rows.get(id)!), created: false });
    }
    // A reply names a message of the same conversation (DESIGN.md); a system message counts too.
    // Checked for members only, so a stranger cannot probe which conversation a message is in.
    // Their previews go out with the new messages (as toMessageView reads them: reply_*).
    const replying = items.filter((p, i) => p.replyTo && allowed.has(i) && !settled.has(p));
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
    const claiming = items.filter((p, i) => p.attachmentIds?.length && allowed.has(i) && !settled.has(p));
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

    const fresh = items.filter((p, i) => allowed.has(i) && !settled.has(p));
    if (!fresh.length) {
      await tx`commit`;
      return;
    }
    // Positions: each touched conversation's block is taken by the statement that stores the
    // messages; each message's offset in its block (o) follows the batch's order.
    const counts = new Map<string, number>();
    const rows = fresh.map((p) => {
      const o = counts.get(p.conversationId) ?? 0;
      counts.set(p.conversationId, o + 1);
      return { c: p.conversationId, o, s: p.senderId, k: p.clientId, b: p.body, r: p.replyTo ?? null, n: mentionNames(p.body) };
    });
    // as fixed-shape rows (messageRow), not postgres.js's one-property-at-a-time objects
    const insert = tx`
      with positions as (${positionsTaken(tx, counts)})
      insert into messages (conversation_id, seq, rev, sender_id, client_id, body, reply_to_id, mentions)
      select x.c, p.first + x.o, p.first + x.o, x.s, x.k, x.b, x.r, ${storedMentions(tx, "x.n", "x.c")}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(c uuid, o int, s uuid, k uuid, b text, r uuid, n jsonb)
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
  }

  /**
   * After the commit, the items neither stored nor refused lost a race with another node storing the
   * same clientId (ON CONFLICT waited for its commit, or the INSERT saw it first): answered with the
   * stored copy, like any retry (a clientId another conversation holds is refused). Its sender's
   * account may have been deleted since. The batch is committed: a failure here is that item's answer
   * (a retry finds the copy), never a throw, but for a broken connection (see storeText).
   */
  private async settleLeftovers(tx: Tx, items: Pending[], settled: Map<Pending, SendResult | AppError>): Promise<void> {
    for (const p of items.filter((f) => !settled.has(f))) {
      try {
        const [row] = await selectMessages(tx, tx`m.sender_id = ${p.senderId} and m.client_id = ${p.clientId}`);
        if (!row) settled.set(p, accountGone());
        else settled.set(p, row.conversation_id === p.conversationId ? { message: toMessageView(row), created: false } : clientIdTaken());
      } catch (err) {
        if (isConnectionError(err)) throw err; // as in storeText: not back to the pool; recoverCommitted answers
        settled.set(p, toAppError(err));
      }
    }
  }
}
