/**
 * Reactions over real sockets (docs/protocol.md, "Reactions"): every member sees a change live as
 * message:updated, one who was offline catches up through `sync`, a no-op is told to no one, the
 * 20-distinct limit holds when members race for the last places, and bad payloads are answered.
 */
import { randomUUID } from "node:crypto";
import type { MessageView } from "@/lib/messages/types";
import { closeTestSql, testSql } from "../support/api";
import { chatUser, createGroup, eventually, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

const react = (user: ChatUser, messageId: string, emoji: string, on = true) =>
  user.socket.timeout(10_000).emitWithAck(on ? "reaction:add" : "reaction:remove", { messageId, emoji });

async function sent(user: ChatUser, conversationId: string, body: string): Promise<MessageView> {
  const res = await send(user, conversationId, body);
  if (!res.ok) throw new Error(res.error.message);
  return res.message;
}

/** Distinct fully-qualified emoji: 18 to fill a message up with, then more to race for the last two places. */
const FILL = ["😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰", "😗", "😙", "🥲"];
const RACERS = ["🍎", "🍌", "🍇", "🍉", "🍒", "🍑"];

describe("reactions", () => {
  it("reach every member live as message:updated, with the ack's message, and no-ops reach no one", async () => {
    const [ada, bob, outsider] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Reacting", [bob]);
    const m = await sent(ada, group.id, "ship it?");
    await eventually(() => bob.received.length === 1);

    const res = await react(bob, m.id, ":+1:");
    expect(res).toEqual({ ok: true, message: expect.objectContaining({ id: m.id, rev: m.seq + 1, reactions: [{ emoji: "👍", count: 1, userIds: [bob.id] }] }) });
    if (!res.ok) return;
    await eventually(() => ada.received.length === 2 && bob.received.length === 2);
    expect(ada.received[1]).toEqual(res.message);
    expect(bob.received[1]).toEqual(res.message);

    // again, and a removal of what is not there: answered with the message as it is, told to no one
    expect(await react(bob, m.id, "👍")).toEqual(res);
    expect(await react(ada, m.id, "👍", false)).toEqual(res);
    await settle();
    expect(ada.received).toHaveLength(2);
    expect(bob.received).toHaveLength(2);

    const off = await react(bob, m.id, "👍", false);
    expect(off).toMatchObject({ ok: true, message: { rev: m.seq + 2, reactions: [] } });
    await eventually(() => ada.received.length === 3);
    expect(ada.received[2]).toMatchObject({ id: m.id, rev: m.seq + 2, reactions: [] });
    expect(outsider.received).toEqual([]);
    expect(await react(outsider, m.id, "👍")).toEqual({ ok: false, error: { code: "not_found", message: expect.any(String) } });
  });

  it("reach a member who was offline through sync", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const group = await createGroup(ada, "Offline", [bob]);
    const m = await sent(ada, group.id, "while you were out");
    await eventually(() => bob.received.length === 1);
    const held = bob.received[0].rev;
    bob.socket.disconnect();
    await react(ada, m.id, "🎉");
    const last = await react(ada, m.id, ":eyes:");
    if (!last.ok) throw new Error("reaction refused");

    const back = connectSocket(bob.cookie);
    await connected(back);
    const caught = await back.timeout(10_000).emitWithAck("sync", { since: { [group.id]: held } });
    expect(caught).toEqual({ ok: true, messages: [last.message], hasMore: false });
    if (caught.ok) expect(caught.messages[0].reactions.map((r: { emoji: string }) => r.emoji)).toEqual(["🎉", "👀"]);
  });

  it("never lets a message hold more than 20 distinct emoji, however many members race for the last places", async () => {
    const ada = await chatUser();
    const racers = await Promise.all(RACERS.map(() => chatUser()));
    const group = await createGroup(ada, "Race", racers);
    const sql = testSql();
    for (let round = 0; round < 12; round++) {
      const m = await sent(ada, group.id, `round ${round}`);
      await sql`insert into reactions ${sql(FILL.map((emoji) => ({ message_id: m.id, user_id: ada.id, emoji })))}`;
      const answers = await Promise.all(racers.map((r, i) => react(r, m.id, RACERS[i])));
      const won = answers.filter((a) => a.ok);
      expect([round, won.length]).toEqual([round, 2]);
      for (const a of answers) if (!a.ok) expect(a.error.code).toBe("conflict");
      const [{ n }] = await sql`select count(distinct emoji)::int as n from reactions where message_id = ${m.id}`;
      expect(n).toBe(20);
      // everyone holds the final state: the last update told is what is stored
      const stored = (await sql`select rev::int from messages where id = ${m.id}`)[0].rev;
      await eventually(() => ada.received.some((x) => x.id === m.id && x.rev === stored));
      expect(ada.received.filter((x) => x.id === m.id).at(-1)!.reactions).toHaveLength(20);
    }
  }, 60_000);

  it("answers bad payloads with bad_request, a system message with forbidden, and changes nothing", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const group = await createGroup(ada, "Bad", [bob]);
    const m = await sent(ada, group.id, "hi");
    const raw = bob.socket.timeout(10_000) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
    for (const payload of [
      { messageId: m.id, emoji: "hello" },
      { messageId: m.id, emoji: "👍👍" },
      { messageId: m.id, emoji: "❤" },
      // components that only modify another emoji (a skin tone, a hair style) are no reaction alone
      { messageId: m.id, emoji: "🏽" },
      { messageId: m.id, emoji: "🦰" },
      { messageId: m.id, emoji: "\u202e" },
      { messageId: m.id, emoji: "\ud83d" },
      { messageId: m.id, emoji: ":not_a_known_code:" },
      { messageId: m.id, emoji: 1 },
      { messageId: m.id },
      { messageId: "nope", emoji: "👍" },
      { messageId: m.id, emoji: "👍", extra: true },
      "👍",
    ]) {
      for (const event of ["reaction:add", "reaction:remove"])
        expect([event, payload, await raw.emitWithAck(event, payload)]).toEqual([event, payload, { ok: false, error: { code: "bad_request", message: expect.any(String) } }]);
    }
    const [{ last_seq }] = await testSql()`update conversations set last_seq = last_seq + 1 where id = ${group.id} returning last_seq::int`;
    const [note] = await testSql()`insert into messages (conversation_id, seq, rev, sender_id, client_id, body, kind, event)
      values (${group.id}, ${last_seq}, ${last_seq}, ${ada.id}, ${randomUUID()}, '', 'system', ${JSON.stringify({ type: "renamed", title: "x" })}::jsonb) returning id`;
    expect(await react(bob, note.id, "👍")).toEqual({ ok: false, error: { code: "forbidden", message: expect.any(String) } });
    expect(await testSql()`select * from reactions r join messages m on m.id = r.message_id where m.conversation_id = ${group.id}`).toEqual([]);
    expect((await testSql()`select last_seq::int from conversations where id = ${group.id}`)[0].last_seq).toBe(last_seq);
  });
});
