/**
 * The group-commit writer (lib/messages/writer.ts) under attack: batches built on purpose with
 * MessageWriter instances, against the domain project's PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation, removeMember } from "@/lib/conversations/service";
import { editMessage } from "@/lib/messages/edit";
import { MessageWriter, observeBatches, type SendInput, type SendResult } from "@/lib/messages/writer";
import { groupOf, newPeople, recordEvents, type Person } from "../support/domain";

const recording = recordEvents();
afterAll(() => recording.stop());

async function directOf(a: Person, b: Person): Promise<string> {
  const { conversation } = await createConversation({ userId: a.id, input: { kind: "direct", userId: b.id } });
  return conversation.id;
}

async function lastSeq(conversationId: string): Promise<number> {
  const [row] = await getSql()`select last_seq from conversations where id = ${conversationId}`;
  return Number(row.last_seq);
}
/** Every seq stored in the conversation (messages and notes), sorted. */
async function seqs(conversationId: string): Promise<number[]> {
  const rows = await getSql()`select seq from messages where conversation_id = ${conversationId} order by seq`;
  return rows.map((r) => Number(r.seq));
}
async function expectContiguous(conversationId: string): Promise<void> {
  const s = await seqs(conversationId);
  const last = await lastSeq(conversationId);
  expect({ seqs: s, last }).toEqual({ seqs: Array.from({ length: last }, (_, i) => i + 1), last });
}

type Settled = { ok: true; value: SendResult } | { ok: false; code: string; message: string };
/** Queues every input on `writer` in the same tick (so they form one batch) and settles them. */
async function batch(writer: MessageWriter, inputs: SendInput[]): Promise<Settled[]> {
  const promises = inputs.map((i) => writer.send(i));
  const out = await Promise.allSettled(promises);
  return out.map((o) => (o.status === "fulfilled" ? { ok: true as const, value: o.value } : { ok: false as const, code: (o.reason as { code?: string }).code ?? String(o.reason), message: String((o.reason as Error).message) }));
}

describe("one mixed batch", () => {
  test("several conversations, refusals, retries, duplicates, mentions: right answers, contiguous seqs, each created message published once", async () => {
    const [ann, bob, carl, dan, stranger, gone] = await newPeople(6);
    const A = await groupOf([ann, bob, carl]);
    const B = await groupOf([ann, bob]);
    const D = await directOf(ann, gone);
    const w = new MessageWriter();
    // stored before: a message of ann in A (retried below), one in D (retried after the peer's deletion)
    const [pre] = await batch(w, [{ conversationId: A, senderId: ann.id, clientId: randomUUID(), body: "pre" }]);
    const [preD] = await batch(w, [{ conversationId: D, senderId: ann.id, clientId: randomUUID(), body: "preD" }]);
    const [pre2] = await batch(w, [{ conversationId: A, senderId: ann.id, clientId: randomUUID(), body: "pre2" }]);
    if (!pre.ok || !preD.ok || !pre2.ok) throw new Error("setup");
    await getSql()`delete from users where id = ${gone.id}`;
    recording.clear();
    const seqA = await lastSeq(A), seqB = await lastSeq(B), seqD = await lastSeq(D);

    const dup = randomUUID();
    const inputs: SendInput[] = [
      { conversationId: A, senderId: ann.id, clientId: randomUUID(), body: `hi @${bob.username.toUpperCase()} @${bob.username} @${stranger.username} @here @${carl.username} \`@${dan.username}\`` },
      { conversationId: A, senderId: stranger.id, clientId: randomUUID(), body: "let me in" },
      { conversationId: B, senderId: bob.id, clientId: randomUUID(), body: "b1 @all @carl_x" },
      { conversationId: A, senderId: ann.id, clientId: pre.value.message.clientId, body: "pre (retry)" },
      { conversationId: B, senderId: ann.id, clientId: pre2.value.message.clientId, body: "taken" },
      { conversationId: D, senderId: ann.id, clientId: randomUUID(), body: "to a gone peer" },
      { conversationId: D, senderId: ann.id, clientId: preD.value.message.clientId, body: "preD (retry)" },
      { conversationId: A, senderId: bob.id, clientId: dup, body: "dup 1" },
      { conversationId: A, senderId: carl.id, clientId: randomUUID(), body: "😀 e\u0301 \u202eRTL\u202c 'quote' \"dq\" \\ $1 \\u0000 \u2028 ok" },
      { conversationId: A, senderId: bob.id, clientId: dup, body: "dup 2" },
      { conversationId: B, senderId: ann.id, clientId: randomUUID(), body: `b2 @${carl.username} @${bob.username}` },
      { conversationId: randomUUID(), senderId: ann.id, clientId: randomUUID(), body: "nowhere" },
      { conversationId: A, senderId: gone.id, clientId: randomUUID(), body: "from the grave" },
    ];
    const answeredAfterPublish: boolean[] = [];
    const promises = inputs.map((i) => w.send(i).then((r) => { answeredAfterPublish.push(!r.created || recording.of("message.created").some((e) => e.message.id === r.message.id)); return r; }));
    const out = (await Promise.allSettled(promises)).map((o) => (o.status === "fulfilled" ? { ok: true as const, value: o.value } : { ok: false as const, code: (o.reason as { code?: string }).code }));

    const summary = out.map((o) => (o.ok ? (o.value.created ? "created" : "copy") : o.code));
    expect(summary).toEqual(["created", "not_found", "created", "copy", "bad_request", "forbidden", "copy", "created", "created", "copy", "created", "not_found", "unauthorized"]);
    const v = (i: number) => (out[i] as { value: SendResult }).value.message;
    expect(v(0).mentions).toEqual([bob.id, carl.id, "all"]);
    expect(v(2).mentions).toEqual(["all"]);
    expect(v(10).mentions).toEqual([bob.id]);
    expect(v(8).body).toBe(inputs[8].body);
    expect(v(3)).toEqual(pre.value.message);
    expect(v(6).id).toBe(preD.value.message.id);
    expect(v(9)).toEqual(v(7));
    // A: 0, 7, 8 in order; B: 2, 10
    expect([v(0).seq, v(7).seq, v(8).seq]).toEqual([seqA + 1, seqA + 2, seqA + 3]);
    expect([v(2).seq, v(10).seq]).toEqual([seqB + 1, seqB + 2]);
    expect(await lastSeq(D)).toBe(seqD);
    await expectContiguous(A);
    await expectContiguous(B);
    await expectContiguous(D);
    const created = recording.of("message.created").map((e) => e.message.id);
    expect(created.sort()).toEqual([v(0).id, v(7).id, v(8).id, v(2).id, v(10).id].sort());
    expect(answeredAfterPublish.every(Boolean)).toBe(true);
  });

  test("a clientId sent twice in one batch to two conversations: the second is refused bad_request, not answered with the first's message", async () => {
    const [ann, bob] = await newPeople(2);
    const A = await groupOf([ann, bob]);
    const B = await groupOf([ann, bob]);
    const w = new MessageWriter();
    const k = randomUUID();
    const out = await batch(w, [
      { conversationId: A, senderId: ann.id, clientId: k, body: "in A" },
      { conversationId: B, senderId: ann.id, clientId: k, body: "in B" },
    ]);
    expect(out[0]).toMatchObject({ ok: true, value: { created: true } });
    expect(out[1]).toMatchObject({ ok: false, code: "bad_request" });
  });
});

describe("many conversations and many items", () => {
  test("a batch of 400 across 7 conversations with refusals sprinkled in keeps seqs contiguous", async () => {
    const people = await newPeople(5);
    const convs = await Promise.all(Array.from({ length: 7 }, () => groupOf(people.slice(0, 4))));
    const outsider = people[4];
    const w = new MessageWriter();
    const sizes: number[] = [];
    const stop = observeBatches((t) => sizes.push(t.size));
    const inputs: SendInput[] = Array.from({ length: 400 }, (_, i) => ({
      conversationId: convs[(i * 7919) % 7],
      senderId: i % 13 === 0 ? outsider.id : people[i % 4].id,
      clientId: randomUUID(),
      body: `m${i} @${people[(i + 1) % 5].username}`,
    }));
    const out = await batch(w, inputs);
    stop();
    expect(sizes).toEqual([400]);
    for (const [i, o] of out.entries()) expect(o.ok ? "ok" : o.code).toBe(i % 13 === 0 ? "not_found" : "ok");
    for (const c of convs) await expectContiguous(c);
    // in batch order within a conversation
    for (const c of convs) {
      const mine = out.map((o, i) => [o, i] as const).filter(([o, i]) => o.ok && inputs[i].conversationId === c).map(([o]) => (o as { value: SendResult }).value.message.seq);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
    // mention of the outsider (index 3 -> people[4]) never stored
    for (const [i, o] of out.entries()) if (o.ok) expect(o.value.message.mentions).toEqual((i + 1) % 5 === 4 ? [] : [people[(i + 1) % 5].id]);
  });
});

describe("two writers (two connections, as two nodes) racing the same clientIds", () => {
  test("same conversation: each clientId stored once, answered once created, seqs contiguous", async () => {
    const [ann, bob] = await newPeople(2);
    const A = await groupOf([ann, bob]);
    const w1 = new MessageWriter();
    const w2 = new MessageWriter();
    for (let round = 0; round < 20; round++) {
      const keys = Array.from({ length: 10 }, () => randomUUID());
      const inputs = keys.map((k, i) => ({ conversationId: A, senderId: i % 2 ? ann.id : bob.id, clientId: k, body: `r${round} ${i}` }));
      const [o1, o2] = await Promise.all([batch(w1, inputs), batch(w2, [...inputs].reverse())]);
      const all = [...o1, ...o2];
      expect(all.every((o) => o.ok)).toBe(true);
      expect(all.filter((o) => o.ok && o.value.created).length).toBe(10);
    }
    await expectContiguous(A);
  });

  test("different conversations: the loser is refused bad_request and its conversation keeps no gap", async () => {
    const [ann, bob] = await newPeople(2);
    const A = await groupOf([ann, bob]);
    const B = await groupOf([ann, bob]);
    const w1 = new MessageWriter();
    const w2 = new MessageWriter();
    const codes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const keys = Array.from({ length: 10 }, () => randomUUID());
      const [o1, o2] = await Promise.all([
        batch(w1, keys.map((k) => ({ conversationId: A, senderId: ann.id, clientId: k, body: "A" }))),
        batch(w2, keys.map((k) => ({ conversationId: B, senderId: ann.id, clientId: k, body: "B" }))),
      ]);
      for (const o of [...o1, ...o2]) codes.push(o.ok ? (o.value.created ? "created" : "copy") : o.code);
    }
    expect(codes.filter((c) => c === "created").length).toBe(200);
    expect(codes.filter((c) => c !== "created").every((c) => c === "bad_request")).toBe(true);
    await expectContiguous(A);
    await expectContiguous(B);
  });
});

describe("a member removed while sending", () => {
  test("every stored message of the removed member precedes the removal; the rest are refused not_found; no gaps", async () => {
    for (let round = 0; round < 15; round++) {
      const [ann, bob, carl] = await newPeople(3);
      const A = await groupOf([ann, bob, carl]);
      const w = new MessageWriter();
      const sends: Promise<Settled[]>[] = [];
      for (let j = 0; j < 6; j++) {
        sends.push(batch(w, [
          { conversationId: A, senderId: bob.id, clientId: randomUUID(), body: `bob ${j} @${carl.username}` },
          { conversationId: A, senderId: carl.id, clientId: randomUUID(), body: `carl ${j} @${bob.username}` },
        ]));
        if (j === 2) sends.push(removeMember({ userId: ann.id, conversationId: A, targetId: bob.id }).then(() => []));
        await new Promise((r) => setImmediate(r));
      }
      const out = (await Promise.all(sends)).flat();
      await w.idle();
      const [note] = await getSql()`select seq from messages where conversation_id = ${A} and kind = 'system' and event->>'type' = 'member_removed'`;
      const removedAt = Number(note.seq);
      for (const o of out) {
        if (!o.ok) {
          expect(o.code).toBe("not_found");
          continue;
        }
        const m = o.value.message;
        if (m.senderId === bob.id) expect(m.seq).toBeLessThan(removedAt);
        // carl's mentions of bob: only while bob was a member
        if (m.senderId === carl.id) expect(m.mentions).toEqual(m.seq < removedAt ? [bob.id] : []);
      }
      await expectContiguous(A);
    }
  });
});

describe("edits resolve mentions like sends", () => {
  test("uppercase, repeats, non-members, @here, code", async () => {
    const [ann, bob, carl, stranger] = await newPeople(4);
    const A = await groupOf([ann, bob, carl]);
    const w = new MessageWriter();
    const [o] = await batch(w, [{ conversationId: A, senderId: ann.id, clientId: randomUUID(), body: "plain" }]);
    if (!o.ok) throw new Error("setup");
    const body = `@${carl.username.toUpperCase()} @${stranger.username} @here @${bob.username} @${carl.username} \`@${ann.username}\``;
    const edited = await editMessage({ userId: ann.id, messageId: o.value.message.id, body });
    expect(edited.mentions).toEqual([carl.id, bob.id, "all"]);
    const [sent] = await batch(w, [{ conversationId: A, senderId: ann.id, clientId: randomUUID(), body }]);
    expect(sent).toMatchObject({ ok: true, value: { message: { mentions: [carl.id, bob.id, "all"] } } });
  });
});

describe("accounts deleted while sending", () => {
  test("a direct peer deleting the account: the sender's answers are created… then forbidden, never created after a forbidden", async () => {
    const { deleteAccount } = await import("@/lib/accounts/settings");
    const { newSession, PASSWORD } = await import("../support/domain");
    for (let round = 0; round < 6; round++) {
      const [ann, gone] = await newPeople(2);
      const D = await directOf(ann, gone);
      const session = await newSession(gone);
      const w = new MessageWriter();
      const sends: Promise<Settled[]>[] = [];
      let deleting: Promise<void> | undefined;
      for (let j = 0; j < 40; j++) {
        sends.push(batch(w, [{ conversationId: D, senderId: ann.id, clientId: randomUUID(), body: `to gone ${j}` }]));
        if (j === 1) deleting = deleteAccount({ userId: gone.id, sessionId: session.id, password: PASSWORD });
        await new Promise((r) => setTimeout(r, 2));
      }
      await deleting;
      const out = (await Promise.all(sends)).flat().map((o) => (o.ok ? "created" : o.code));
      const firstRefused = out.indexOf("forbidden");
      expect(out.slice(firstRefused === -1 ? out.length : firstRefused).every((c) => c === "forbidden")).toBe(true);
      expect(out.slice(0, firstRefused === -1 ? out.length : firstRefused).every((c) => c === "created")).toBe(true);
      await expectContiguous(D);
    }
  });

  test("a sender deleting the account in a group: their messages precede member_left; later sends are unauthorized", async () => {
    const { deleteAccount } = await import("@/lib/accounts/settings");
    const { newSession, PASSWORD } = await import("../support/domain");
    for (let round = 0; round < 6; round++) {
      const [ann, bob, carl] = await newPeople(3);
      const A = await groupOf([ann, bob, carl]);
      const session = await newSession(bob);
      const w = new MessageWriter();
      const sends: Promise<Settled[]>[] = [];
      let deleting: Promise<void> | undefined;
      for (let j = 0; j < 40; j++) {
        sends.push(batch(w, [
          { conversationId: A, senderId: bob.id, clientId: randomUUID(), body: `bob ${j}` },
          { conversationId: A, senderId: carl.id, clientId: randomUUID(), body: `carl ${j} @${bob.username} @all` },
        ]));
        if (j === 1) deleting = deleteAccount({ userId: bob.id, sessionId: session.id, password: PASSWORD });
        await new Promise((r) => setTimeout(r, 2));
      }
      await deleting;
      const out = (await Promise.all(sends)).flat();
      const [note] = await getSql()`select seq from messages where conversation_id = ${A} and kind = 'system' and event->>'type' = 'member_left'`;
      const leftAt = Number(note.seq);
      for (const [i, o] of out.entries()) {
        if (i % 2 === 0) {
          if (o.ok) expect(o.value.message.seq).toBeLessThan(leftAt);
          else expect(o.code).toBe("unauthorized");
        } else {
          expect(o.ok).toBe(true);
          if (o.ok) expect(o.value.message.mentions).toEqual(o.value.message.seq < leftAt ? [bob.id, "all"] : ["all"]);
        }
      }
      await expectContiguous(A);
    }
  });
});

describe("one item PostgreSQL refuses", () => {
  test("a NUL or a lone surrogate in one body fails that item only; the others are stored with contiguous seqs", async () => {
    const [ann, bob] = await newPeople(2);
    const A = await groupOf([ann, bob]);
    const w = new MessageWriter();
    recording.clear();
    const out = await batch(w, [
      { conversationId: A, senderId: ann.id, clientId: randomUUID(), body: "one" },
      { conversationId: A, senderId: bob.id, clientId: randomUUID(), body: "bad \u0000 nul" },
      { conversationId: A, senderId: ann.id, clientId: randomUUID(), body: "two @all" },
      { conversationId: A, senderId: bob.id, clientId: randomUUID(), body: "bad \ud800 surrogate" },
      { conversationId: A, senderId: ann.id, clientId: randomUUID(), body: "three" },
    ]);
    expect([out[0].ok, out[2].ok, out[4].ok]).toEqual([true, true, true]);
    await expectContiguous(A);
    expect(recording.of("message.created").length).toBe(out.filter((o) => o.ok).length);
  });
});

describe("two writers, crossed clientIds across two conversations", () => {
  test("each clientId stored once; the other copy bad_request; every stored message published exactly once; no other error", async () => {
    const [ann, bob] = await newPeople(2);
    const A = await groupOf([ann, bob]);
    const B = await groupOf([ann, bob]);
    const w1 = new MessageWriter();
    const w2 = new MessageWriter();
    recording.clear();
    const codes: string[] = [];
    for (let round = 0; round < 30; round++) {
      const k = Array.from({ length: 6 }, () => randomUUID());
      const [o1, o2] = await Promise.all([
        batch(w1, k.map((key, i) => ({ conversationId: i % 2 ? A : B, senderId: ann.id, clientId: key, body: `w1 ${i}` }))),
        batch(w2, [...k].reverse().map((key) => ({ conversationId: k.indexOf(key) % 2 ? B : A, senderId: ann.id, clientId: key, body: `w2` }))),
      ]);
      for (const o of [...o1, ...o2]) codes.push(o.ok ? (o.value.created ? "created" : "copy") : o.code);
    }
    const stored = await getSql()`select id from messages where conversation_id in (${A}, ${B}) and kind <> 'system'`;
    const published = recording.of("message.created").map((e) => e.message.id);
    const counts = codes.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    expect(counts).toEqual({ created: 180, bad_request: 180 });
    expect(published.sort()).toEqual(stored.map((r) => r.id as string).sort());
  });
});
