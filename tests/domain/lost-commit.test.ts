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
import { MessageWriter, type SendInput, type SendResult } from "@/lib/messages/writer";
import { markRead } from "@/lib/messages/read";
import { updateProfile } from "@/lib/people/profile";
import { endSession } from "@/lib/sessions/end";
import { loadEnv } from "@/lib/platform/env";
import { groupOf, newPeople, newSession, recordEvents } from "../support/domain";
import { commandTag, startPgCutter, type PgCutter } from "../support/pg-cutter";

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
/** Queues every input on `writer` in the same tick (one batch) and settles them. */
async function batch(writer: MessageWriter, inputs: SendInput[]): Promise<Settled[]> {
  const out = await Promise.allSettled(inputs.map((i) => writer.send(i)));
  return out.map((o) => (o.status === "fulfilled" ? { ok: true as const, value: o.value } : { ok: false as const, code: (o.reason as { code?: string }).code ?? String(o.reason) }));
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

test("sign-out whose revocation's answer is lost still tells the session's sockets (sessions.ended)", async () => {
  const [ann] = await newPeople(1);
  const session = await newSession(ann);
  recording.clear();
  const cut = cutter.cutWhen((m) => m.type === "C");
  await endSession({ sessionId: session.id }).catch(() => {});
  await cut;
  expect(recording.of("sessions.ended")).toEqual([{ type: "sessions.ended", sessionIds: [session.id], reason: "signed_out" }]);
});
