/**
 * Messages against PostgreSQL alone: positions (seq for new messages, rev for changes, both from the
 * conversation's one counter) and exactly which events are published (lib/messages/events.ts).
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { deleteMessage, editMessage } from "@/lib/messages/edit";
import { readAround, readHistory, syncMessages } from "@/lib/messages/history";
import { markRead } from "@/lib/messages/read";
import { sendMessage } from "@/lib/messages/send";
import { newPeople, recordEvents, type Person } from "../support/domain";

const recording = recordEvents();
afterAll(() => recording.stop());

/** A fresh group of `people` (the first is owner) and its id; nothing recorded yet. */
async function groupOf(people: Person[]): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: "Chat", memberIds: others.map((o) => o.id) } });
  recording.clear();
  return conversation.id;
}

const send = (conversationId: string, sender: Person, body: string, clientId = randomUUID()) => sendMessage({ conversationId, senderId: sender.id, clientId, body });

async function lastSeq(conversationId: string): Promise<number> {
  const [row] = await getSql()`select last_seq from conversations where id = ${conversationId}`;
  return Number(row.last_seq);
}

/** A refusal left no trace: nothing published, the conversation still at position `seq`. */
async function expectUntouched(conversationId: string, seq: number): Promise<void> {
  expect(recording.events).toEqual([]);
  expect(await lastSeq(conversationId)).toBe(seq);
}

describe("sending", () => {
  test("messages sent at once get seq 1..n, each published in seq order before its sender is answered", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const publishedWhenAnswered: boolean[] = [];
    const sends = ["one", "two", "three", "four", "five", "six"].map((body, i) =>
      send(id, i % 2 ? bob : ann, body).then((result) => {
        publishedWhenAnswered.push(recording.of("message.created").some((e) => e.message.id === result.message.id));
        return result;
      }),
    );
    const results = await Promise.all(sends);

    expect(results.map((r) => r.created)).toEqual([true, true, true, true, true, true]);
    // two senders' calls may reach the writer in either order; positions are handed out in the order they arrive
    const bySeq = results.map((r) => r.message).sort((a, b) => a.seq - b.seq);
    expect(bySeq.map((m) => [m.seq, m.rev])).toEqual([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6]]);
    expect(new Set(bySeq.map((m) => m.body)).size).toBe(6);
    expect(publishedWhenAnswered).toEqual([true, true, true, true, true, true]);
    expect(recording.events).toEqual(bySeq.map((message) => ({ type: "message.created", message })));
    expect(await lastSeq(id)).toBe(6);
  });

  test("a retry with the same clientId answers the stored message, created: false, and publishes nothing", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const clientId = randomUUID();
    const first = await send(id, ann, "hello", clientId);
    recording.clear();

    const retry = await send(id, ann, "hello", clientId);
    expect(retry).toEqual({ message: first.message, created: false });
    await expectUntouched(id, 1);
  });

  test("the same clientId sent twice at once is stored and published once", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const clientId = randomUUID();
    const both = await Promise.all([send(id, ann, "twice", clientId), send(id, ann, "twice", clientId)]);
    expect(both.map((r) => r.created).sort()).toEqual([false, true]);
    expect(both[0].message).toEqual(both[1].message);
    expect(recording.events).toEqual([{ type: "message.created", message: both[0].message }]);
  });

  describe("a send that meets another node's copy of its clientId, not yet committed, waits for that commit", () => {
    /**
     * Stores `sender`'s message under `clientId` in `conversationId` on a connection of its own (as another
     * node's writer would) and holds the transaction open while `send` runs, until `send`'s INSERT waits on it
     * (for the other transaction's end: `transactionid`; the statement's text may be cut short in pg_stat_activity).
     */
    async function racedByAnotherNode<T>(sender: Person, conversationId: string, clientId: string, send: () => Promise<T>): Promise<PromiseSettledResult<T>> {
      const other = await getSql().reserve();
      try {
        await other`begin`;
        await other`insert into messages (conversation_id, seq, rev, sender_id, client_id, body)
          values (${conversationId}, 1000, 1000, ${sender.id}, ${clientId}, 'from the other node')`;
        const sending = send();
        const settled = Promise.allSettled([sending]).then(([r]) => r);
        for (let waited = 0; ; waited += 20) {
          const [{ n }] = await getSql()`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'transactionid'`;
          if (n > 0) break;
          if (waited > 5000) throw new Error("the send never waited for the other node's transaction");
          await new Promise((r) => setTimeout(r, 20));
        }
        await other`commit`;
        return await settled;
      } finally {
        other.release();
      }
    }

    test("in the same conversation: answered with that copy, created: false, and nothing published", async () => {
      const [ann, bob] = await newPeople(2);
      const id = await groupOf([ann, bob]);
      const clientId = randomUUID();
      const outcome = await racedByAnotherNode(ann, id, clientId, () => send(id, ann, "here", clientId));
      expect(outcome).toMatchObject({ status: "fulfilled", value: { created: false, message: { conversationId: id, seq: 1000, body: "from the other node" } } });
      expect(recording.events).toEqual([]);
    });

    test("in another conversation: refused bad_request, never answered with the other conversation's message", async () => {
      const [ann, bob] = await newPeople(2);
      const here = await groupOf([ann, bob]);
      const elsewhere = await groupOf([ann, bob]);
      const clientId = randomUUID();
      const outcome = await racedByAnotherNode(ann, elsewhere, clientId, () => send(here, ann, "here", clientId));
      expect(outcome).toMatchObject({ status: "rejected", reason: { code: "bad_request" } });
      expect(recording.events).toEqual([]);
    });
  });

  test("someone outside the conversation is refused not_found, takes no position and publishes nothing", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const id = await groupOf([ann, bob]);
    await expect(send(id, stranger, "let me in")).rejects.toMatchObject({ code: "not_found" });
    await expectUntouched(id, 0);
  });
});

describe("editing and deleting", () => {
  test("each change takes the conversation's next position as the message's rev and is published", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const { message } = await send(id, ann, "first draft");
    await send(id, bob, "reply");
    recording.clear();

    const edited = await editMessage({ userId: ann.id, messageId: message.id, body: "final" });
    expect(edited).toMatchObject({ id: message.id, seq: 1, rev: 3, body: "final", deletedAt: null });
    expect(edited.editedAt).not.toBeNull();
    const deleted = await deleteMessage({ userId: ann.id, messageId: message.id });
    expect(deleted).toMatchObject({ id: message.id, seq: 1, rev: 4, body: "" });
    expect(deleted.deletedAt).not.toBeNull();
    expect(recording.events).toEqual([
      { type: "message.updated", message: edited },
      { type: "message.updated", message: deleted },
    ]);

    // new messages continue after the changes' positions
    recording.clear();
    const next = await send(id, bob, "after");
    expect([next.message.seq, next.message.rev]).toEqual([5, 5]);
  });

  test("deleting again answers the message as it is and publishes nothing", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const { message } = await send(id, ann, "oops");
    const deleted = await deleteMessage({ userId: ann.id, messageId: message.id });
    recording.clear();
    expect(await deleteMessage({ userId: ann.id, messageId: message.id })).toEqual(deleted);
    await expectUntouched(id, 2);
  });

  test("a refused change rolls back: no position taken, nothing published", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const id = await groupOf([ann, bob]);
    const { message } = await send(id, ann, "mine");
    recording.clear();
    await expect(editMessage({ userId: bob.id, messageId: message.id, body: "yours now" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteMessage({ userId: bob.id, messageId: message.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(editMessage({ userId: stranger.id, messageId: message.id, body: "hi" })).rejects.toMatchObject({ code: "not_found" });
    await expectUntouched(id, 1);
  });
});

describe("reading", () => {
  test("markRead publishes message.read only when the position moves forward, and never past the end", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    for (const body of ["a", "b", "c"]) await send(id, ann, body);
    recording.clear();

    expect(await markRead({ userId: bob.id, conversationId: id, seq: 2 })).toBe(2);
    expect(await markRead({ userId: bob.id, conversationId: id, seq: 2 })).toBe(2);
    expect(await markRead({ userId: bob.id, conversationId: id, seq: 1 })).toBe(2);
    expect(await markRead({ userId: bob.id, conversationId: id, seq: 99 })).toBe(3);
    expect(recording.events).toEqual([
      { type: "message.read", conversationId: id, userId: bob.id, seq: 2 },
      { type: "message.read", conversationId: id, userId: bob.id, seq: 3 },
    ]);
  });

  test("markRead in someone else's conversation is not_found and publishes nothing", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const id = await groupOf([ann, bob]);
    await send(id, ann, "private");
    recording.clear();
    await expect(markRead({ userId: stranger.id, conversationId: id, seq: 1 })).rejects.toMatchObject({ code: "not_found" });
    expect(recording.events).toEqual([]);
  });

  test("syncMessages returns every message created or changed after a position (rev > position), by rev", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const id = await groupOf([ann, bob]);
    const sent = [];
    for (const body of ["one", "two", "three"]) sent.push((await send(id, ann, body)).message);
    const edited = await editMessage({ userId: ann.id, messageId: sent[0].id, body: "one, edited" });

    expect((await syncMessages({ userId: bob.id, since: { [id]: 0 } })).messages.map((m) => [m.id, m.rev])).toEqual([
      [sent[1].id, 2],
      [sent[2].id, 3],
      [sent[0].id, 4],
    ]);
    expect(await syncMessages({ userId: bob.id, since: { [id]: 3 } })).toEqual({ messages: [edited], hasMore: false });
    expect(await syncMessages({ userId: bob.id, since: { [id]: 4 } })).toEqual({ messages: [], hasMore: false });
    await expect(syncMessages({ userId: stranger.id, since: { [id]: 0 } })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("history pages", () => {
  // The page's own statement checks membership (lib/messages/history.ts membersOnly); only an empty
  // page asks again whether it is empty or not the caller's.
  test("a member gets the page, an empty one included; anyone else gets not_found, in every form of page", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const id = await groupOf([ann, bob]);
    const quiet = await groupOf([ann, bob]);
    for (let i = 1; i <= 5; i++) await send(id, ann, `page ${i}`);
    const seqs = (r: { messages: { seq: number }[] }) => r.messages.map((m) => m.seq);
    const last = await lastSeq(id);
    expect(seqs(await readHistory({ userId: bob.id, conversationId: id, query: { limit: 2 } }))).toEqual([last - 1, last]);
    expect(seqs(await readHistory({ userId: bob.id, conversationId: id, query: { after: last, limit: 2 } }))).toEqual([]);
    expect(await readHistory({ userId: bob.id, conversationId: quiet, query: { before: 1 } })).toEqual({ messages: [], hasMore: false });
    expect(seqs(await readAround({ userId: bob.id, conversationId: id, around: last, limit: 2 }))).toEqual([last]);
    const asks = [
      () => readHistory({ userId: stranger.id, conversationId: id, query: {} }),
      () => readHistory({ userId: stranger.id, conversationId: id, query: { before: last + 1 } }),
      () => readHistory({ userId: stranger.id, conversationId: id, query: { after: 0 } }),
      () => readHistory({ userId: stranger.id, conversationId: quiet, query: {} }),
      () => readAround({ userId: stranger.id, conversationId: id, around: 2 }),
      () => readAround({ userId: stranger.id, conversationId: quiet, around: 2 }),
    ];
    for (const ask of asks) await expect(ask()).rejects.toMatchObject({ code: "not_found" });
  });
});
