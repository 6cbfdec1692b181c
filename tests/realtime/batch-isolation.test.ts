/**
 * One bad item never fails the others in a group-commit batch (issue 11, item 2; docs/integrity.md,
 * "Item 3"). Every cause of a failing item that the writer can foresee is answered inside the batch
 * (a sender deleted or removed mid-flight, a conversation gone, a clientId repeated or already
 * stored), and validation refuses text PostgreSQL cannot hold, so nothing a client can send makes
 * the batch's transaction fail. The batch is therefore poisoned here the one way left: the database
 * itself refuses one value (a CHECK constraint this test adds for a marker body, NOT VALID so no
 * existing row is read, dropped afterwards). Many senders send at once in the same batch window;
 * every other send must be acknowledged, stored exactly once and delivered once, with positions
 * 1..n and no gap (the failed batch is rolled back whole, then retried item by item).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { MessageView } from "@/lib/messages/types";
import { closeTestSql, testSql } from "../support/api";
import { chatUser, createGroup, settle, type ChatUser } from "../support/chat";
import { closeAllSockets } from "../support/sockets";

jest.setTimeout(240_000);

const ROUNDS = 50;
const POISON = `poison-${randomBytes(8).toString("hex")}`;
const CONSTRAINT = `test_poison_${randomBytes(4).toString("hex")}`;

type Ack = { ok: true; message: MessageView } | { ok: false; error: { code: string; message: string } };

beforeAll(async () => {
  await testSql().unsafe(`alter table messages add constraint ${CONSTRAINT} check (body <> '${POISON}') not valid`);
});
afterAll(async () => {
  closeAllSockets();
  await testSql().unsafe(`alter table messages drop constraint if exists ${CONSTRAINT}`);
  await closeTestSql();
});

function sendAck(user: ChatUser, conversationId: string, body: string, clientId = randomUUID()): Promise<Ack> {
  return user.socket.timeout(20_000).emitWithAck("message:send", { conversationId, clientId, body }) as Promise<Ack>;
}

describe("a group-commit batch with one item the database refuses", () => {
  it(`commits and acknowledges every other item, once each and without gaps (${ROUNDS} rounds)`, async () => {
    // 24 senders rotate so each stays within the send limit (30 per 10 s)
    const pool: ChatUser[] = [];
    while (pool.length < 24) pool.push(...(await Promise.all(Array.from({ length: 4 }, () => chatUser()))));
    const all = await createGroup(pool[0], "Everyone", pool.slice(1));
    const half = await createGroup(pool[0], "Half", pool.slice(1, 12));
    const groups = [all.id, half.id];
    await settle(200); // the sockets join the new rooms through conversation:new

    const problems: string[] = [];
    const acked = new Map<string, MessageView>(); // clientId → the stored message it was answered with
    for (let round = 0; round < ROUNDS; round++) {
      const senders = Array.from({ length: 8 }, (_, k) => pool[(round * 9 + k) % 24]);
      const poisoner = pool[(round * 9 + 8) % 24];
      // in one tick: eight sends over two conversations, one clientId sent twice, and the poison among them
      const jobs = senders.map((u, k) => {
        const conversationId = k < 4 || pool.indexOf(u) >= 12 ? all.id : groups[k % 2];
        const clientId = randomUUID();
        return { u, conversationId, clientId, acks: [sendAck(u, conversationId, `r${round} m${k}`, clientId)] };
      });
      const poison = sendAck(poisoner, pool.indexOf(poisoner) < 12 ? groups[round % 2] : all.id, POISON);
      jobs[round % 8].acks.push(sendAck(jobs[round % 8].u, jobs[round % 8].conversationId, `r${round} again`, jobs[round % 8].clientId));
      const bad = await poison;
      if (bad.ok) problems.push(`round ${round}: the poisoned send was stored`);
      for (const job of jobs) {
        const answers = await Promise.all(job.acks);
        const ids = new Set(answers.map((a) => (a.ok ? a.message.id : `refused: ${a.error.code}`)));
        if (!answers.every((a) => a.ok) || ids.size !== 1) problems.push(`round ${round}: a bystander's send was answered ${JSON.stringify(answers)}`);
        else acked.set(job.clientId, (answers[0] as { message: MessageView }).message);
      }
    }
    expect(problems).toEqual([]);

    for (const id of groups) {
      const rows = await testSql()`select id, seq, client_id, body from messages where conversation_id = ${id} order by seq`;
      expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1)); // no gap, no double position
      expect(rows.filter((r) => r.body === POISON)).toEqual([]);
      expect(new Set(rows.map((r) => r.client_id)).size).toBe(rows.length); // each clientId stored once
      for (const r of rows) expect(acked.get(r.client_id as string)?.id).toBe(r.id); // what was stored is what was acknowledged
    }
    expect(acked.size).toBe(ROUNDS * 8);
    const [{ n }] = await testSql()`select count(*)::int as n from messages where conversation_id in ${testSql()(groups)}`;
    expect(n).toBe(acked.size);
    // delivered once each: pool[0] is in both groups
    await settle(500);
    const delivered = pool[0].received.filter((m) => m.seq === m.rev).map((m) => m.id);
    expect(delivered.length).toBe(new Set(delivered).size);
    expect(new Set(delivered)).toEqual(new Set([...acked.values()].map((m) => m.id)));
  });
});
