/**
 * A message's times as the protocol's ISO strings (lib/messages/types.ts): PostgreSQL's UTC text is turned
 * into ISO without a Date (issue 15: a catch-up of 1,000 messages made 2,000 Dates), and must say exactly
 * what a Date would: every fraction length, cut (not rounded) to milliseconds; other forms go through Date.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { selectMessages } from "@/db/message-rows";
import { createConversation } from "@/lib/conversations/service";
import { readHistory } from "@/lib/messages/history";
import { toMessageView } from "@/lib/messages/types";
import { newPeople } from "../support/domain";

const STORED = [
  "2026-01-02 03:04:05+00",
  "2026-01-02 03:04:05.1+00",
  "2026-01-02 03:04:05.12+00",
  "2026-01-02 03:04:05.123+00",
  "2026-01-02 03:04:05.1234+00",
  "2026-01-02 03:04:05.99999+00",
  "2026-12-31 23:59:59.999999+00",
  "1999-02-28 00:00:00.000001+00",
];

test("times read back from PostgreSQL are the instants stored, in milliseconds as Date gives them", async () => {
  const [ann, bob] = await newPeople(2);
  const { conversation } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Times", memberIds: [bob.id] } });
  const sql = getSql();
  await sql`
    insert into messages (conversation_id, seq, rev, sender_id, client_id, body, created_at, edited_at)
    select ${conversation.id}, i, i, ${ann.id}, gen_random_uuid(), 'at ' || i, t::timestamptz, t::timestamptz + interval '1 microsecond'
    from unnest(${STORED}::text[]) with ordinality as x(t, i)`;
  await sql`update conversations set last_seq = ${STORED.length} where id = ${conversation.id}`;
  const { messages } = await readHistory({ userId: bob.id, conversationId: conversation.id, query: { limit: 50 } });
  expect(messages.map((m) => m.createdAt)).toEqual(STORED.map((t) => new Date(t).toISOString()));
  expect(messages.map((m) => m.editedAt)).toEqual(STORED.map((t) => new Date(new Date(t).getTime() + (t.endsWith(".999999+00") ? 1 : 0)).toISOString()));
  // the text the pool reads is UTC's, so none of them needed a Date (db/index.ts sets the session's zone)
  const [row] = await selectMessages(sql, sql`m.conversation_id = ${conversation.id} and m.seq = 1`);
  expect(row.created_at).toBe("2026-01-02 03:04:05+00");
});

test("times in another zone, or as Dates, give the same instants", () => {
  const row = { id: randomUUID(), conversation_id: randomUUID(), seq: 1, rev: 1, sender_id: null, client_id: randomUUID(), body: "x", kind: "text" };
  const cases: [unknown, string][] = [
    ["2026-01-02 08:34:05.123456+05:30", "2026-01-02T03:04:05.123Z"],
    ["2026-01-01 19:04:05-08", "2026-01-02T03:04:05.000Z"],
    ["2026-01-02 03:04:05.5+00", "2026-01-02T03:04:05.500Z"],
    [new Date("2026-01-02T03:04:05.678Z"), "2026-01-02T03:04:05.678Z"],
  ];
  for (const [created, expected] of cases) expect(toMessageView({ ...row, created_at: created }).createdAt).toBe(expected);
});
