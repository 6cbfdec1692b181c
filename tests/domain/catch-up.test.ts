/**
 * A catch-up (`sync`) against PostgreSQL alone: pages across many conversations are whole and in
 * order, and a page reads only the conversations it answers from, however much else is waiting in
 * the others it asks about (issue 15, item 6: a sync of 1,000 missed messages
 * within 50 ms at 10,000,000 messages).
 */
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { syncMessages } from "@/lib/messages/history";
import { SYNC_PAGE } from "@/lib/messages/rules";
import { newPeople, type Person } from "../support/domain";
import { explainRun, rowsFrom } from "../support/plans";

const CONVERSATIONS = 5;
/** changes waiting in each conversation: more than a page */
const WAITING = SYNC_PAGE + 100;

let ann: Person;
let ids: string[];

/** `n` messages from `sender` straight into the table, positions 1..n (as the writer would number them). */
async function fill(conversationId: string, sender: Person, n: number): Promise<void> {
  const sql = getSql();
  await sql`
    insert into messages (conversation_id, seq, rev, sender_id, client_id, body)
    select ${conversationId}, i, i, ${sender.id}, gen_random_uuid(), 'waiting ' || i from generate_series(1, ${n}) as i`;
  await sql`update conversations set last_seq = ${n} where id = ${conversationId}`;
}

beforeAll(async () => {
  const [owner, member] = await newPeople(2);
  ann = member;
  ids = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: `Backlog ${i}`, memberIds: [ann.id] } });
    await fill(conversation.id, owner, WAITING);
    ids.push(conversation.id);
  }
});

test("pages through every change of every conversation once, by conversation then rev, while hasMore", async () => {
  let since: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  const seen: [string, number][] = [];
  for (;;) {
    const page = await syncMessages({ userId: ann.id, since });
    expect(page.messages.length).toBeLessThanOrEqual(SYNC_PAGE);
    seen.push(...page.messages.map((m) => [m.conversationId, m.rev] as [string, number]));
    if (!page.hasMore) break;
    since = { ...since };
    for (const m of page.messages) since[m.conversationId] = Math.max(since[m.conversationId], m.rev);
  }
  const expected = [...ids].sort().flatMap((id) => Array.from({ length: WAITING }, (_, i) => [id, i + 1] as [string, number]));
  expect(seen).toEqual(expected);
});

test("a page reads only the conversations it answers from, not every asked conversation's changes", async () => {
  const since = Object.fromEntries(ids.map((id) => [id, 0]));
  const { result, plans } = await explainRun(() => syncMessages({ userId: ann.id, since }));
  expect(result.messages).toHaveLength(SYNC_PAGE);
  expect(result.hasMore).toBe(true);
  // the page comes from the first two conversations by id (WAITING changes each, one page's worth
  // read at most from either); the other three are not read at all. Before, every conversation's
  // first SYNC_PAGE + 1 changes were read, then each of them a second time (9,000 rows here).
  expect(rowsFrom(plans, / on messages /)).toBeLessThanOrEqual(2 * WAITING);
});
