/**
 * The conversation list against PostgreSQL alone, while messages keep coming: its statements run at
 * once on separate connections (lib/conversations/store.ts), yet each conversation's last message is
 * the one its position and unread counts were read with.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { listConversationViews } from "@/lib/conversations/store";
import { sendMessage } from "@/lib/messages/send";
import { newPeople } from "../support/domain";

/** Senders, each within LIMITS.send (30 in 10 s), and how many messages each sends. */
const SENDERS = 12;
const EACH = 25;

test("each conversation's last message, position and unread count agree while messages are sent", async () => {
  const [ann, ...senders] = await newPeople(1 + SENDERS);
  const { conversation } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Busy list", memberIds: senders.map((s) => s.id) } });
  const send = (i: number) => sendMessage({ conversationId: conversation.id, senderId: senders[i % SENDERS].id, clientId: randomUUID(), body: `message ${i}` });
  await send(0);
  let sending = true;
  const sender = (async () => {
    try {
      for (let i = 1; i < SENDERS * EACH; i++) await send(i);
    } finally {
      sending = false;
    }
  })();
  const seen: { lastSeq: number; lastMessageSeq: number | undefined; unread: number }[] = [];
  while (sending) {
    const [view] = await listConversationViews({ userId: ann.id, ids: [conversation.id] });
    seen.push({ lastSeq: view.lastSeq, lastMessageSeq: view.lastMessage?.seq, unread: view.unreadCount });
  }
  await sender;
  const sql = getSql();
  for (const { lastSeq, lastMessageSeq, unread } of seen) {
    // only sends after the first: the conversation's position is its newest message's
    expect(lastMessageSeq).toBe(lastSeq);
    const [{ n }] = await sql`select count(*)::int as n from messages where conversation_id = ${conversation.id} and kind = 'text' and seq <= ${lastSeq}`;
    expect(unread).toBe(n);
  }
  expect(new Set(seen.map((s) => s.lastSeq)).size).toBeGreaterThan(50);
});
