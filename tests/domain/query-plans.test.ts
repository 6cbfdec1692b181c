/**
 * What the hot paths' statements read, held to their plans (tests/support/plans.ts): found by
 * EXPLAINing them at 10,000,000 messages (bench/growth.ts, docs/growth-plans.md).
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { readHistory } from "@/lib/messages/history";
import { sendMessage } from "@/lib/messages/send";
import { newPeople } from "../support/domain";
import { explainRun, rowsFrom, timesRunInSubPlans } from "../support/plans";

test("a send takes its position by reading only its own conversation, however many there are", async () => {
  const [ann, bob] = await newPeople(2);
  const { conversation } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Positions", memberIds: [bob.id] } });
  const sql = getSql();
  await sql`insert into conversations (kind, title, created_by) select 'group', 'Other ' || i, ${ann.id} from generate_series(1, 500) as i`;
  await sql`analyze conversations`;
  const { result, plans } = await explainRun(() => sendMessage({ conversationId: conversation.id, senderId: bob.id, clientId: randomUUID(), body: "one more" }));
  expect(result.message.seq).toBe(1);
  const update = plans.filter((p) => /update conversations c set last_seq/.test(p));
  expect(update).toHaveLength(1);
  // it read all 500+ (a sequential scan joined to the positions asked for) in every group commit; the
  // statement reads the conversation's row twice (its kind, for the send's rules, and its counter)
  const reads = update.flatMap((p) => p.split("\n")).filter((line) => /Scan .*on conversations /.test(line));
  expect(reads.length).toBeGreaterThan(0);
  for (const line of reads) expect(rowsFrom([line], /./)).toBe(1);
});

test("a send batch reads only the stored messages its items name (a retry's copy), however many are stored", async () => {
  const [ann, bob] = await newPeople(2);
  const { conversation } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Busy", memberIds: [bob.id] } });
  const sql = getSql();
  await sql`
    insert into messages (conversation_id, seq, rev, sender_id, client_id, body)
    select ${conversation.id}, i, i, ${ann.id}, gen_random_uuid(), 'earlier ' || i from generate_series(1, 3000) as i`;
  await sql`update conversations set last_seq = 3000 where id = ${conversation.id}`;
  await sql`analyze messages`;
  const retried = randomUUID();
  await sendMessage({ conversationId: conversation.id, senderId: bob.id, clientId: retried, body: "first try" });
  const { result, plans } = await explainRun(() =>
    Promise.all([
      ...["a", "b", "c", "d"].map((body) => sendMessage({ conversationId: conversation.id, senderId: bob.id, clientId: randomUUID(), body })),
      sendMessage({ conversationId: conversation.id, senderId: bob.id, clientId: retried, body: "first try" }),
    ]),
  );
  expect(result.map((r) => r.created)).toEqual([true, true, true, true, false]);
  expect(result.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual([3001, 3002, 3003, 3004, 3005]);
  // the retry lookup went through the whole message view: every stored message, in every group commit
  expect(plans.filter((p) => /Seq Scan on messages/.test(p))).toEqual([]);
  expect(rowsFrom(plans, /Scan .*on messages /)).toBeLessThanOrEqual(5);
});

test("a batch of plain text messages is checked and stored by one statement after its locks: one wait for PostgreSQL", async () => {
  const [ann, bob, cat] = await newPeople(3);
  const { conversation } = await createConversation({ userId: ann.id, input: { kind: "group", title: "One wait", memberIds: [bob.id, cat.id] } });
  const { result, plans } = await explainRun(() =>
    Promise.all([
      sendMessage({ conversationId: conversation.id, senderId: bob.id, clientId: randomUUID(), body: `hi @${cat.username} and @all` }),
      sendMessage({ conversationId: conversation.id, senderId: ann.id, clientId: randomUUID(), body: "plain" }),
    ]),
  );
  expect(result.map((r) => r.created)).toEqual([true, true]);
  expect(result.map((r) => r.message.mentions)).toEqual([[cat.id, "all"], []]);
  // the writer's own statements (not the foreign keys' checks or the search queue's trigger; BEGIN and
  // COMMIT are not planned): the transaction's id (for a broken connection's recovery), the senders held,
  // the conversation locked, the clientIds locked, then the one statement, all in one write. It was a
  // separate read of the memberships, whose answer the INSERT waited for: two waits a batch.
  const own = plans.filter((p) => !/Query Text: SELECT 1 FROM ONLY|message_search_queue/.test(p));
  expect(own.map((p) => /Query Text:\s*(\w+)/.exec(p)?.[1])).toEqual(["select", "select", "select", "select", "with"]);
  expect(own[0]).toMatch(/pg_current_xact_id/);
  expect(own.filter((p) => /insert into messages/.test(p))).toHaveLength(1);
});

test("a page of messages without reactions or files builds no aggregate for any of them", async () => {
  const [ann, bob] = await newPeople(2);
  const { conversation } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Plain", memberIds: [bob.id] } });
  await getSql()`
    insert into messages (conversation_id, seq, rev, sender_id, client_id, body)
    select ${conversation.id}, i, i, ${ann.id}, gen_random_uuid(), 'plain ' || i from generate_series(1, 60) as i`;
  const { result, plans } = await explainRun(() => readHistory({ userId: bob.id, conversationId: conversation.id, query: { before: 61, limit: 50 } }));
  expect(result.messages).toHaveLength(50);
  expect(result.messages.every((m) => m.reactions.length === 0 && m.attachments.length === 0)).toBe(true);
  // each message's reactions and files were aggregated even when there were none: three sorts a message
  // (the page itself may be sorted once, by seq, when the planner's statistics make that cheaper)
  expect(timesRunInSubPlans(plans, /\bSort\b|Aggregate/)).toBe(0);
});
