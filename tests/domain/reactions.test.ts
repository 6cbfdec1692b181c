/**
 * Reactions against PostgreSQL alone (lib/messages/reactions.ts): one per person and emoji, `:shortcode:`
 * and emoji stored as one, a real change takes a position and is told as `message.updated` while a
 * no-op is neither, at most 20 distinct emoji, members only, and deleted or system messages refused.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { deleteMessage } from "@/lib/messages/edit";
import { emojiForShortcode, searchEmoji } from "@/lib/messages/emoji";
import { syncMessages } from "@/lib/messages/history";
import { addReaction, removeReaction } from "@/lib/messages/reactions";
import { reactionSchema } from "@/lib/messages/schemas";
import { sendMessage } from "@/lib/messages/send";
import { newPeople, recordEvents, type Person } from "../support/domain";

async function groupOf(people: Person[]): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: "Chat", memberIds: others.map((o) => o.id) } });
  return conversation.id;
}
const send = (conversationId: string, sender: Person, body: string) => sendMessage({ conversationId, senderId: sender.id, clientId: randomUUID(), body }).then((r) => r.message);
const lastSeq = async (id: string) => Number((await getSql()`select last_seq from conversations where id = ${id}`)[0].last_seq);
/** Twenty distinct emoji, then more: all fully-qualified RGI emoji. */
const MANY = ["😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰", "😗", "😙", "🥲", "😚", "🙂", "🤗", "🤩"];

const events = recordEvents();
afterAll(() => events.stop());

describe("adding and removing", () => {
  test("a reaction takes the next position as the message's rev, is told as message.updated, and sync carries it", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "hello");
    events.clear();
    const added = await addReaction({ userId: bob.id, messageId: m.id, emoji: "👍" });
    expect(added.reactions).toEqual([{ emoji: "👍", count: 1, userIds: [bob.id] }]);
    expect(added.rev).toBe(m.seq + 1);
    expect(await lastSeq(id)).toBe(m.seq + 1);
    expect(events.of("message.updated").map((e) => e.message)).toEqual([added]);
    const { messages } = await syncMessages({ userId: ann.id, since: { [id]: m.seq } });
    expect(messages).toEqual([added]);

    const both = await addReaction({ userId: ann.id, messageId: m.id, emoji: "👍" });
    expect(both.reactions).toEqual([{ emoji: "👍", count: 2, userIds: [bob.id, ann.id] }]);
    const removed = await removeReaction({ userId: bob.id, messageId: m.id, emoji: "👍" });
    expect(removed.reactions).toEqual([{ emoji: "👍", count: 1, userIds: [ann.id] }]);
    expect(removed.rev).toBe(m.seq + 3);
    const gone = await removeReaction({ userId: ann.id, messageId: m.id, emoji: "👍" });
    expect(gone.reactions).toEqual([]);
    expect(events.of("message.updated")).toHaveLength(4);
  });

  test("adding twice, or removing what is not there, answers the message as it is: no new rev, no event", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "hello");
    const once = await addReaction({ userId: bob.id, messageId: m.id, emoji: "🎉" });
    events.clear();
    expect(await addReaction({ userId: bob.id, messageId: m.id, emoji: "🎉" })).toEqual(once);
    expect(await addReaction({ userId: bob.id, messageId: m.id, emoji: ":tada:" })).toEqual(once);
    expect(await removeReaction({ userId: ann.id, messageId: m.id, emoji: "🎉" })).toEqual(once);
    expect(await removeReaction({ userId: bob.id, messageId: m.id, emoji: "👀" })).toEqual(once);
    expect(await lastSeq(id)).toBe(once.rev);
    expect(events.of("message.updated")).toEqual([]);
  });

  test("a :shortcode: is stored as its emoji, so :+1: and 👍 are one reaction", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "ship it?");
    await addReaction({ userId: ann.id, messageId: m.id, emoji: ":+1:" });
    const after = await addReaction({ userId: bob.id, messageId: m.id, emoji: "👍" });
    expect(after.reactions).toEqual([{ emoji: "👍", count: 2, userIds: [ann.id, bob.id] }]);
    const heart = await addReaction({ userId: bob.id, messageId: m.id, emoji: ":HEART:" });
    expect(heart.reactions.map((r) => r.emoji)).toEqual(["👍", "❤️"]);
    expect((await removeReaction({ userId: ann.id, messageId: m.id, emoji: ":thumbsup:" })).reactions[0]).toEqual({ emoji: "👍", count: 1, userIds: [bob.id] });
  });
});

describe("the limit", () => {
  test("a 21st distinct emoji is refused with conflict; more of the twenty stay welcome", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "react to me");
    for (const emoji of MANY.slice(0, 20)) await getSql()`insert into reactions (message_id, user_id, emoji) values (${m.id}, ${ann.id}, ${emoji})`;
    const before = await lastSeq(id);
    await expect(addReaction({ userId: bob.id, messageId: m.id, emoji: MANY[20] })).rejects.toMatchObject({ code: "conflict" });
    expect(await lastSeq(id)).toBe(before);
    const joined = await addReaction({ userId: bob.id, messageId: m.id, emoji: MANY[0] });
    expect(joined.reactions).toHaveLength(20);
    expect(joined.reactions[0]).toEqual({ emoji: MANY[0], count: 2, userIds: [ann.id, bob.id] });
    // room again once one goes
    await removeReaction({ userId: ann.id, messageId: m.id, emoji: MANY[5] });
    expect((await addReaction({ userId: bob.id, messageId: m.id, emoji: MANY[20] })).reactions).toHaveLength(20);
  });

  test("holds when many distinct emoji arrive at once", async () => {
    const people = await newPeople(8);
    const id = await groupOf(people);
    for (let round = 0; round < 5; round++) {
      const m = await send(id, people[0], `round ${round}`);
      for (const emoji of MANY.slice(0, 16)) await getSql()`insert into reactions (message_id, user_id, emoji) values (${m.id}, ${people[0].id}, ${emoji})`;
      const answers = await Promise.allSettled(people.map((p, i) => addReaction({ userId: p.id, messageId: m.id, emoji: MANY[16 + (i % 6)] })));
      const [{ n }] = await getSql()`select count(distinct emoji)::int as n from reactions where message_id = ${m.id}`;
      expect(n).toBe(20);
      const refused = answers.filter((a) => a.status === "rejected");
      for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });
      expect(refused.length).toBeGreaterThan(0);
    }
  });
});

describe("who may react to what", () => {
  test("only members: anyone else is told not_found, and nothing changes", async () => {
    const [ann, bob, eve] = await newPeople(3);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "members only");
    for (const call of [addReaction, removeReaction]) {
      await expect(call({ userId: eve.id, messageId: m.id, emoji: "👍" })).rejects.toMatchObject({ code: "not_found" });
      await expect(call({ userId: ann.id, messageId: randomUUID(), emoji: "👍" })).rejects.toMatchObject({ code: "not_found" });
    }
    expect(await lastSeq(id)).toBe(m.seq);
  });

  test("a deleted message refuses new reactions (not_found), answers a removal as it is, and lost its old ones", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "soon gone");
    await addReaction({ userId: bob.id, messageId: m.id, emoji: "👍" });
    const deleted = await deleteMessage({ userId: ann.id, messageId: m.id });
    expect(deleted.reactions).toEqual([]);
    await expect(addReaction({ userId: bob.id, messageId: m.id, emoji: "👍" })).rejects.toMatchObject({ code: "not_found" });
    expect(await removeReaction({ userId: bob.id, messageId: m.id, emoji: "👍" })).toEqual(deleted);
  });

  test("a system message refuses reactions with forbidden", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const sql = getSql();
    const [{ last_seq }] = await sql`update conversations set last_seq = last_seq + 1 where id = ${id} returning last_seq`;
    const [row] = await sql`insert into messages (conversation_id, seq, rev, sender_id, client_id, body, kind, event)
      values (${id}, ${last_seq}, ${last_seq}, ${ann.id}, ${randomUUID()}, '', 'system', ${JSON.stringify({ type: "renamed", title: "New" })}::jsonb) returning id`;
    await expect(addReaction({ userId: bob.id, messageId: row.id, emoji: "👍" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(removeReaction({ userId: bob.id, messageId: row.id, emoji: "👍" })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("what an emoji is", () => {
  test("one fully-qualified RGI emoji (sequences included) or a :shortcode:; never text, several emoji or controls", () => {
    const ok = (emoji: string) => reactionSchema.safeParse({ messageId: randomUUID(), emoji }).success;
    for (const emoji of ["👍", "❤️", "👍🏽", "🏳️‍🌈", "👨‍👩‍👧", "1️⃣", "🇫🇷", ":+1:", ":tada:", ":no_such_code:"]) expect([emoji, ok(emoji)]).toEqual([emoji, true]);
    for (const emoji of ["", "a", "ok", "❤", "👍👍", "👍 ", " 👍", "👍\u0000", "\u202e👍", "\ud83d", "1", "::", ":a b:", ":" + "a".repeat(65) + ":", "👍".repeat(40)])
      expect([emoji, ok(emoji)]).toEqual([emoji, false]);
  });

  test("an unknown :shortcode: is refused with bad_request", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = await send(id, ann, "hi");
    await expect(addReaction({ userId: bob.id, messageId: m.id, emoji: ":no_such_code:" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(addReaction({ userId: bob.id, messageId: m.id, emoji: "hello" })).rejects.toMatchObject({ code: "bad_request" });
  });

  test("the catalogue knows the shortcodes people type, and search puts shortcode matches first", () => {
    expect(emojiForShortcode(":+1:")).toBe("👍");
    expect(emojiForShortcode("joy")).toBe("😂");
    expect(emojiForShortcode(":heart:")).toBe("❤️");
    expect(emojiForShortcode(":nope_nope:")).toBeNull();
    expect(searchEmoji("smil")[0].shortcodes[0]).toMatch(/^smil/);
    expect(searchEmoji("pizza").map((e) => e.emoji)).toContain("🍕");
    expect(searchEmoji("")).toEqual([]);
  });
});
