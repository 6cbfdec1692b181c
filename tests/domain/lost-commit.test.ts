/**
 * Writes whose connection breaks once COMMIT may have gone out: PostgreSQL may have committed although
 * the server never heard COMMIT's answer. What was stored must be answered and announced like any other
 * change, never answered `unavailable` while stored, which left it unannounced (a retry finds it stored
 * and changes nothing, so nobody else is told). The group-commit writer (lib/messages/writer.ts,
 * recoverCommitted) and every `transaction` (db/transaction.ts) ask PostgreSQL what became of the
 * transaction; sign-out tells the session's sockets in any case. Every statement of this file goes
 * through a proxy (tests/support/pg-cutter.ts) that breaks one connection at a chosen answer.
 */
import { randomUUID } from "node:crypto";
import { closeDb, getSql } from "@/db";
import { removeMember } from "@/lib/conversations/service";
import { addReaction } from "@/lib/messages/reactions";
import { MessageWriter, RESERVE_WAIT_MS, type SendInput, type SendResult } from "@/lib/messages/writer";
import { markRead } from "@/lib/messages/read";
import { updateProfile } from "@/lib/people/profile";
import { endSession } from "@/lib/sessions/end";
import { loadEnv } from "@/lib/platform/env";
import { groupOf, newPeople, newSession, recordEvents } from "../support/domain";
import { commandTag, startPgCutter, type BackendMessage, type PgCutter } from "../support/pg-cutter";

let cutter: PgCutter;
beforeAll(async () => {
  cutter = await startPgCutter(process.env.PARLEY_DOMAIN_DATABASE_URL!);
  loadEnv({ ...process.env, DATABASE_URL: cutter.url });
  await closeDb();
});
afterAll(async () => {
  await closeDb();
  await cutter.close();
});

const recording = recordEvents();
afterAll(() => recording.stop());

type Settled = { ok: true; value: SendResult } | { ok: false; code: string };
/** A send's answer as a value. */
function settle(send: Promise<SendResult>): Promise<Settled> {
  return send.then(
    (value) => ({ ok: true as const, value }),
    (e) => ({ ok: false as const, code: (e as { code?: string }).code ?? String(e) }),
  );
}
/** Queues every input on `writer` in the same tick (one batch) and settles them. */
function batch(writer: MessageWriter, inputs: SendInput[]): Promise<Settled[]> {
  return Promise.all(inputs.map((i) => settle(writer.send(i))));
}
/** As `batch`, but an item not answered within `ms` is `{ pending: true }` (a send that never settles). */
function batchWithin(writer: MessageWriter, inputs: SendInput[], ms = 4000): Promise<(Settled | { pending: true })[]> {
  const late = new Promise<{ pending: true }>((r) => setTimeout(() => r({ pending: true }), ms));
  return Promise.all(inputs.map((i) => Promise.race([settle(writer.send(i)), late])));
}

async function seqs(conversationId: string): Promise<{ seqs: number[]; last: number }> {
  const rows = await getSql()`select seq from messages where conversation_id = ${conversationId} order by seq`;
  const [c] = await getSql()`select last_seq from conversations where id = ${conversationId}`;
  return { seqs: rows.map((r) => Number(r.seq)), last: Number(c.last_seq) };
}

const published = (id: string) => recording.of("message.created").filter((e) => e.message.id === id).length;

test("a batch whose COMMIT answer is lost: its new messages are answered created and published once; its retry and its refusal get their usual answers", async () => {
  const [ann, bob, carl, stranger] = await newPeople(4);
  const group = await groupOf([ann, bob, carl]);
  const writer = new MessageWriter();
  const [earlier] = await batch(writer, [{ conversationId: group, senderId: ann.id, clientId: randomUUID(), body: "earlier" }]);
  if (!earlier.ok) throw new Error("setup");
  recording.clear();

  const inputs: SendInput[] = [
    { conversationId: group, senderId: ann.id, clientId: randomUUID(), body: "one" },
    { conversationId: group, senderId: bob.id, clientId: randomUUID(), body: "two @" + carl.username },
    { conversationId: group, senderId: ann.id, clientId: earlier.value.message.clientId, body: "earlier" }, // a retry
    { conversationId: group, senderId: stranger.id, clientId: randomUUID(), body: "not a member" },
    { conversationId: group, senderId: carl.id, clientId: randomUUID(), body: "three" },
  ];
  const cut = cutter.cutWhen((m) => commandTag(m) === "COMMIT");
  const results = await batch(writer, inputs);
  await cut;

  const [one, two, retry, refused, three] = results;
  expect([one, two, three].map((r) => r.ok && r.value.created)).toEqual([true, true, true]);
  expect(retry).toMatchObject({ ok: true, value: { created: false, message: { id: earlier.value.message.id } } });
  expect(refused).toEqual({ ok: false, code: "not_found" });
  const created = [one, two, three].map((r) => (r.ok ? r.value.message : null)!);
  expect(created.map((m) => m.body)).toEqual(["one", "two @" + carl.username, "three"]);
  expect(created[1].mentions).toEqual([carl.id]);
  // stored once each, published once each (the retry not again), positions without a gap
  for (const m of created) expect(published(m.id)).toBe(1);
  expect(published(earlier.value.message.id)).toBe(0);
  const stored = await getSql()`select id from messages where conversation_id = ${group} and kind = 'text' order by seq`;
  expect(stored.map((r) => r.id)).toEqual([earlier.value.message.id, ...created.map((m) => m.id)]);
  const { seqs: s, last } = await seqs(group);
  expect(s).toEqual(Array.from({ length: last }, (_, i) => i + 1));
});

test("a batch with a reply (the writer's other path) whose COMMIT answer is lost: the reply is answered created, with its original, and published once", async () => {
  const [ann, bob] = await newPeople(2);
  const group = await groupOf([ann, bob]);
  const writer = new MessageWriter();
  const [original] = await batch(writer, [{ conversationId: group, senderId: ann.id, clientId: randomUUID(), body: "original" }]);
  if (!original.ok) throw new Error("setup");
  recording.clear();
  const cut = cutter.cutWhen((m) => commandTag(m) === "COMMIT");
  const [reply, plain] = await batch(writer, [
    { conversationId: group, senderId: bob.id, clientId: randomUUID(), body: "a reply", replyTo: original.value.message.id },
    { conversationId: group, senderId: ann.id, clientId: randomUUID(), body: "plain" },
  ]);
  await cut;
  expect(reply).toMatchObject({ ok: true, value: { created: true, message: { body: "a reply", replyTo: { id: original.value.message.id } } } });
  expect(plain).toMatchObject({ ok: true, value: { created: true, message: { body: "plain" } } });
  for (const r of [reply, plain]) expect(published(r.ok ? r.value.message.id : "")).toBe(1);
  const { seqs: s, last } = await seqs(group);
  expect(s).toEqual(Array.from({ length: last }, (_, i) => i + 1));
});

test("a batch's connection broken at each of its answers after the transaction's id, 25 rounds: a message is answered ok if and only if it is stored, and then published once", async () => {
  const [ann, bob, carl] = await newPeople(3);
  const group = await groupOf([ann, bob, carl]);
  const writer = new MessageWriter();
  let committed = 0;
  for (let round = 0; round < 25; round++) {
    // A batch of text answers seven CommandCompletes: BEGIN, the transaction's id, the three locks,
    // the statement storing the messages, COMMIT. The first two arrive; the break comes at one of the
    // other five (PostgreSQL may have run the whole pipeline by then, or not).
    const at = 3 + (round % 5);
    let seen = 0;
    const cut = cutter.cutWhen((m) => m.type === "C" && ++seen === at);
    recording.clear();
    const inputs: SendInput[] = [ann, bob, carl, ann].map((p, i) => ({ conversationId: group, senderId: p.id, clientId: randomUUID(), body: `round ${round} ${i}` }));
    const results = await batch(writer, inputs);
    await cut;
    const stored = await getSql()`select id, client_id from messages where client_id = any(${inputs.map((i) => i.clientId)}::uuid[])`;
    const storedBy = new Map(stored.map((r) => [r.client_id as string, r.id as string]));
    for (const [i, input] of inputs.entries()) {
      const id = storedBy.get(input.clientId);
      if (id) {
        expect(results[i]).toMatchObject({ ok: true, value: { created: true, message: { id } } });
        expect(published(id)).toBe(1);
      } else {
        expect(results[i]).toEqual({ ok: false, code: "unavailable" });
      }
    }
    if (stored.length) committed++;
    const { seqs: s, last } = await seqs(group);
    expect(s).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  }
  // a break at COMMIT's answer comes after the commit, 5 rounds at least
  expect(committed).toBeGreaterThanOrEqual(5);
});

describe("the writer's recovery under attack (found by a helper attacking it)", () => {
  /** A rule breaking the connection at the first answer after COMMIT's (the stored copy of a retry being read). */
  function afterCommit() {
    let committed = false;
    return (m: BackendMessage) => {
      if (commandTag(m) === "COMMIT") {
        committed = true;
        return false;
      }
      return committed && (m.type === "D" || m.type === "C");
    };
  }

  test("a retry and a refusal sent twice each in a batch whose COMMIT answer is lost: every copy is answered (the copies of a re-queued item went with it)", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const group = await groupOf([ann, bob]);
    const writer = new MessageWriter();
    const [earlier] = await batch(writer, [{ conversationId: group, senderId: ann.id, clientId: randomUUID(), body: "earlier" }]);
    if (!earlier.ok) throw new Error("setup");
    const retry = { conversationId: group, senderId: ann.id, clientId: earlier.value.message.clientId, body: "earlier" };
    const refused = { conversationId: group, senderId: stranger.id, clientId: randomUUID(), body: "not a member" };
    const cut = cutter.cutWhen((m) => commandTag(m) === "COMMIT");
    const results = await batchWithin(writer, [{ conversationId: group, senderId: bob.id, clientId: randomUUID(), body: "new" }, retry, { ...retry }, refused, { ...refused }]);
    await cut;
    const [fresh, first, second, no1, no2] = results;
    expect(fresh).toMatchObject({ ok: true, value: { created: true } });
    for (const copy of [first, second]) expect(copy).toMatchObject({ ok: true, value: { created: false, message: { id: earlier.value.message.id } } });
    expect([no1, no2]).toEqual([{ ok: false, code: "not_found" }, { ok: false, code: "not_found" }]);
  });

  test("a new message reacted to between its batch's lost COMMIT answer and the recovery (its xmin moved on): still answered created and published once", async () => {
    const [ann, bob] = await newPeople(2);
    const group = await groupOf([ann, bob]);
    const writer = new MessageWriter();
    const clientId = randomUUID();
    recording.clear();
    let reacted: Promise<unknown> = Promise.resolve();
    const cut = cutter.cutWhen((m) => {
      if (commandTag(m) !== "COMMIT") return false;
      // committed; someone who saw it (a catch-up, another node's history page) reacts before the writer
      // notices its connection is gone
      reacted = (async () => {
        const [row] = await getSql()`select id from messages where client_id = ${clientId}`;
        await addReaction({ userId: ann.id, messageId: row.id as string, emoji: "👍" });
      })();
      return true;
    });
    const [sent] = await batch(writer, [{ conversationId: group, senderId: bob.id, clientId, body: "react to me" }]);
    await cut;
    await reacted;
    const [row] = await getSql()`select id from messages where client_id = ${clientId}`;
    expect(sent).toMatchObject({ ok: true, value: { created: true, message: { id: row.id } } });
    expect(published(row.id as string)).toBe(1);
  });

  test("a connection that breaks after COMMIT while a retry's copy is read is not handed back to the pool: twelve such breaks (more than the pool holds), then sends and queries still work", async () => {
    const [ann, bob] = await newPeople(2);
    const group = await groupOf([ann, bob]);
    const writer = new MessageWriter();
    const [earlier] = await batch(writer, [{ conversationId: group, senderId: ann.id, clientId: randomUUID(), body: "earlier" }]);
    if (!earlier.ok) throw new Error("setup");
    for (let round = 0; round < 12; round++) {
      const cut = cutter.cutWhen(afterCommit());
      const [fresh] = await batchWithin(writer, [
        { conversationId: group, senderId: bob.id, clientId: randomUUID(), body: `r${round}` },
        { conversationId: group, senderId: ann.id, clientId: earlier.value.message.clientId, body: "earlier" },
      ]);
      await cut;
      expect(fresh).toMatchObject({ ok: true, value: { created: true } });
    }
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [next] = await batchWithin(writer, [{ conversationId: group, senderId: bob.id, clientId: randomUUID(), body: `after ${i}` }]);
      outcomes.push("pending" in next ? "send pending" : next.ok ? "send ok" : `send ${next.code}`);
      outcomes.push(await getSql()`select 1 as one`.then(() => "select ok", (e) => `select ${e.code}`));
    }
    expect(outcomes).toEqual(["send ok", "select ok", "send ok", "select ok", "send ok", "select ok"]);
  }, 60_000);
});

test("a batch that cannot get a connection within RESERVE_WAIT_MS is answered unavailable, and the writer goes on once one is free (it is one per process: a wait without end would hang every send)", async () => {
  const [ann, bob] = await newPeople(2);
  const group = await groupOf([ann, bob]);
  const writer = new MessageWriter();
  loadEnv({ ...process.env, DATABASE_URL: cutter.url, DATABASE_POOL_SIZE: "1" });
  await closeDb();
  try {
    const holder = await getSql().reserve(); // the pool's only connection
    const started = performance.now();
    const [waited] = await batchWithin(writer, [{ conversationId: group, senderId: bob.id, clientId: randomUUID(), body: "no connection" }], RESERVE_WAIT_MS + 5000);
    expect(waited).toEqual({ ok: false, code: "unavailable" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(RESERVE_WAIT_MS - 50);
    holder.release();
    const [next] = await batchWithin(writer, [{ conversationId: group, senderId: bob.id, clientId: randomUUID(), body: "free again" }]);
    expect(next).toMatchObject({ ok: true, value: { created: true } });
  } finally {
    loadEnv({ ...process.env, DATABASE_URL: cutter.url });
    await closeDb();
  }
}, RESERVE_WAIT_MS + 20_000);

describe("a transaction whose COMMIT answer is lost (db/transaction.ts)", () => {
  test("a reaction: the call answers the message with it, and message.updated is published once", async () => {
    const [ann, bob] = await newPeople(2);
    const group = await groupOf([ann, bob]);
    const [sent] = await batch(new MessageWriter(), [{ conversationId: group, senderId: ann.id, clientId: randomUUID(), body: "react to me" }]);
    if (!sent.ok) throw new Error("setup");
    recording.clear();
    const cut = cutter.cutWhen((m) => commandTag(m) === "COMMIT");
    const message = await addReaction({ userId: bob.id, messageId: sent.value.message.id, emoji: "👍" });
    await cut;
    expect(message.reactions).toMatchObject([{ emoji: "👍", userIds: [bob.id] }]);
    expect(recording.of("message.updated")).toHaveLength(1);
    expect(recording.of("message.updated")[0].message).toMatchObject({ id: sent.value.message.id, reactions: [{ emoji: "👍", userIds: [bob.id] }] });
  });

  test("a removal: the call succeeds, the member is gone, and conversation.left is published once", async () => {
    const [ann, bob, carl] = await newPeople(3);
    const group = await groupOf([ann, bob, carl]);
    recording.clear();
    const cut = cutter.cutWhen((m) => commandTag(m) === "COMMIT");
    await removeMember({ userId: ann.id, conversationId: group, targetId: carl.id });
    await cut;
    const members = await getSql()`select user_id from members where conversation_id = ${group}`;
    expect(members.map((r) => r.user_id).sort()).toEqual([ann.id, bob.id].sort());
    expect(recording.of("conversation.left")).toEqual([expect.objectContaining({ conversationId: group, userId: carl.id, reason: "removed" })]);
  });

  test("a profile change (a Drizzle transaction): the call answers the new profile, and user.updated is published once", async () => {
    const [ann] = await newPeople(1);
    recording.clear();
    const cut = cutter.cutWhen((m) => commandTag(m) === "COMMIT");
    const user = await updateProfile({ userId: ann.id, changes: { displayName: "Ann Renamed" } });
    await cut;
    expect(user.displayName).toBe("Ann Renamed");
    expect(recording.of("user.updated").map((e) => e.user.displayName)).toEqual(["Ann Renamed"]);
  });

  test("a transaction that did not commit (broken before COMMIT) still throws and publishes nothing", async () => {
    const [ann, bob, carl] = await newPeople(3);
    const group = await groupOf([ann, bob, carl]);
    recording.clear();
    // the first answer after BEGIN's: the transaction's id; the break comes at the next one
    let seen = 0;
    const cut = cutter.cutWhen((m) => m.type === "C" && ++seen === 3);
    // the connection's own error (the HTTP and socket layers answer it `unavailable`), not a crash:
    // postgres.js's ROLLBACK on the broken connection threw from setImmediate (patches/postgres+3.4.9.patch)
    await expect(removeMember({ userId: ann.id, conversationId: group, targetId: carl.id })).rejects.toMatchObject({ code: expect.stringMatching(/^(CONNECTION_CLOSED|ECONNRESET|EPIPE)$/) });
    await cut;
    const members = await getSql()`select user_id from members where conversation_id = ${group}`;
    expect(members).toHaveLength(3);
    expect(recording.of("conversation.left")).toEqual([]);
  });
});

test("a read position whose move's answer is lost (one statement, no transaction): the position is answered and message.read published", async () => {
  const [ann, bob] = await newPeople(2);
  const group = await groupOf([ann, bob]);
  const sent = await batch(new MessageWriter(), [1, 2, 3].map((n) => ({ conversationId: group, senderId: ann.id, clientId: randomUUID(), body: `m${n}` })));
  const last = Math.max(...sent.map((r) => (r.ok ? r.value.message.seq : 0)));
  recording.clear();
  const cut = cutter.cutWhen((m) => commandTag(m) === "UPDATE 1");
  await expect(markRead({ userId: bob.id, conversationId: group, seq: last })).resolves.toBe(last);
  await cut;
  expect(recording.of("message.read")).toEqual([{ type: "message.read", conversationId: group, userId: bob.id, seq: last }]);
});

test("a read position whose connection breaks while its move waits for the row (another transaction holds it): what ends up stored is what is answered and announced", async () => {
  const [ann, bob] = await newPeople(2);
  const group = await groupOf([ann, bob]);
  const sent = await batch(new MessageWriter(), [1, 2, 3].map((n) => ({ conversationId: group, senderId: ann.id, clientId: randomUUID(), body: `m${n}` })));
  const last = Math.max(...sent.map((r) => (r.ok ? r.value.message.seq : 0)));
  recording.clear();
  // another transaction holds bob's members row (another device's read, a removal racing it)
  const holder = await getSql().reserve();
  await holder`begin`;
  await holder`select 1 from members where conversation_id = ${group} and user_id = ${bob.id} for update`;
  // postgres.js first sends a new statement's Parse to learn its parameters (no Execute), then the Execute:
  // the break comes with the Execute of the move
  let parsed = false;
  const cut = cutter.cutAfterSent((m) => (parsed ||= m.type === "P" && m.body.toString("utf8").includes("update members m set last_read_seq")) && m.type === "E");
  const answer = markRead({ userId: bob.id, conversationId: group, seq: last });
  await cut;
  // the holder lets go only after markRead has answered (its backend still waiting for the row until then)
  const answered = await answer;
  await holder`commit`;
  holder.release();
  await new Promise((r) => setTimeout(r, 300)); // time for a move that was not stopped to commit
  const [{ stored }] = await getSql()`select last_read_seq::int as stored from members where conversation_id = ${group} and user_id = ${bob.id}`;
  // before: the old position was answered and announced, and the move committed afterwards, unannounced
  expect({ answered, announced: recording.of("message.read").map((e) => e.seq) }).toEqual({ answered: stored, announced: [stored] });
});

test("sign-out whose revocation's answer is lost still tells the session's sockets (sessions.ended)", async () => {
  const [ann] = await newPeople(1);
  const session = await newSession(ann);
  recording.clear();
  const cut = cutter.cutWhen((m) => m.type === "C");
  await endSession({ sessionId: session.id }).catch(() => {});
  await cut;
  expect(recording.of("sessions.ended")).toEqual([{ type: "sessions.ended", sessionIds: [session.id], reason: "signed_out" }]);
});
