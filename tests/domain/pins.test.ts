/**
 * Pins (issue 13, item 6) against PostgreSQL alone: any member pins or unpins, each real change takes
 * a new position and is told as message.updated, repeats change nothing, at most PIN_MAX pinned even
 * when pins race, deleted and system messages refuse, the list is newest pin first and the
 * conversation view counts them.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { getConversationView } from "@/lib/conversations/store";
import { deleteMessage } from "@/lib/messages/edit";
import { listPins, pinMessage } from "@/lib/messages/pins";
import { PIN_MAX } from "@/lib/messages/rules";
import { sendMessage } from "@/lib/messages/send";
import { newPeople, recordEvents, type Person } from "../support/domain";

const recording = recordEvents();
afterAll(() => recording.stop());

async function groupOf(people: Person[]): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: "Pins", memberIds: others.map((o) => o.id) } });
  return conversation.id;
}
const send = (conversationId: string, sender: Person, body: string) => sendMessage({ conversationId, senderId: sender.id, clientId: randomUUID(), body }).then((r) => r.message);
const lastSeq = async (id: string) => Number((await getSql()`select last_seq from conversations where id = ${id}`)[0].last_seq);

describe("pins", () => {
  test("any member pins and unpins; each change takes the next position and is told; a repeat is a no-op", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "pin me");
    recording.clear();
    const pinned = await pinMessage({ userId: bob.id, messageId: m.id, pinned: true });
    expect(pinned).toMatchObject({ id: m.id, pinnedBy: bob.id, rev: m.seq + 1, body: "pin me" });
    expect(pinned.pinnedAt).not.toBeNull();
    expect(recording.events).toEqual([{ type: "message.updated", message: pinned }]);
    expect((await getConversationView({ userId: ann.id, conversationId: id })).pinnedCount).toBe(1);
    // again: the message as it is, no position, no event
    recording.clear();
    expect(await pinMessage({ userId: ann.id, messageId: m.id, pinned: true })).toEqual(pinned);
    expect(recording.events).toEqual([]);
    expect(await lastSeq(id)).toBe(pinned.rev);
    const unpinned = await pinMessage({ userId: ann.id, messageId: m.id, pinned: false });
    expect(unpinned).toMatchObject({ pinnedAt: null, pinnedBy: null, rev: pinned.rev + 1 });
    expect(recording.events).toEqual([{ type: "message.updated", message: unpinned }]);
    recording.clear();
    expect(await pinMessage({ userId: ann.id, messageId: m.id, pinned: false })).toEqual(unpinned);
    expect(recording.events).toEqual([]);
    expect((await getConversationView({ userId: bob.id, conversationId: id })).pinnedCount).toBe(0);
  });

  test("a stranger gets not_found; a deleted message cannot be pinned (and deleting unpins); a system note is forbidden", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "x");
    await expect(pinMessage({ userId: stranger.id, messageId: m.id, pinned: true })).rejects.toMatchObject({ code: "not_found" });
    await expect(pinMessage({ userId: ann.id, messageId: randomUUID(), pinned: true })).rejects.toMatchObject({ code: "not_found" });
    await pinMessage({ userId: bob.id, messageId: m.id, pinned: true });
    const deleted = await deleteMessage({ userId: ann.id, messageId: m.id });
    expect(deleted.pinnedAt).toBeNull();
    await expect(pinMessage({ userId: bob.id, messageId: m.id, pinned: true })).rejects.toMatchObject({ code: "not_found" });
    expect((await pinMessage({ userId: bob.id, messageId: m.id, pinned: false })).deletedAt).not.toBeNull();
    const sql = getSql();
    const [seq] = await sql`update conversations set last_seq = last_seq + 1 where id = ${id} returning last_seq`;
    const [note] = await sql`insert into messages (conversation_id, seq, rev, sender_id, client_id, body, kind, event)
      values (${id}, ${seq.last_seq}, ${seq.last_seq}, ${ann.id}, ${randomUUID()}, '', 'system', ${JSON.stringify({ type: "renamed", title: "New" })}::jsonb) returning id`;
    await expect(pinMessage({ userId: bob.id, messageId: note.id, pinned: true })).rejects.toMatchObject({ code: "forbidden" });
  });

  test(`at most ${PIN_MAX} pinned, even when ${PIN_MAX + 10} pins race; the list is newest pin first, members only`, async () => {
    // six members pinning at once (one person's calls take turns: lib/platform/rate-limit.ts `limited`)
    const [stranger, ...members] = await newPeople(7);
    const [ann, bob] = members;
    const id = await groupOf(members);
    const messages = [];
    for (let i = 0; i < PIN_MAX + 10; i++) messages.push(await send(id, members[i % 6], `m${i}`));
    const results = await Promise.allSettled(messages.map((m, i) => pinMessage({ userId: members[i % 6].id, messageId: m.id, pinned: true })));
    const refused = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(PIN_MAX);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });
    expect((await getConversationView({ userId: ann.id, conversationId: id })).pinnedCount).toBe(PIN_MAX);
    const pins = await listPins({ userId: bob.id, conversationId: id });
    expect(pins).toHaveLength(PIN_MAX);
    const times = pins.map((p) => Date.parse(p.pinnedAt!));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // unpinning one makes room for another
    await pinMessage({ userId: ann.id, messageId: pins[0].id, pinned: false });
    const later = messages.find((m) => !pins.some((p) => p.id === m.id))!;
    const fresh = await pinMessage({ userId: bob.id, messageId: later.id, pinned: true });
    expect((await listPins({ userId: ann.id, conversationId: id }))[0].id).toBe(fresh.id);
    await expect(listPins({ userId: stranger.id, conversationId: id })).rejects.toMatchObject({ code: "not_found" });
  });
});
