/**
 * What a change to a message may reveal or race with (found by the issue 13 review): a resend of a
 * stored clientId by someone no longer in the conversation, a reply probing which conversation a
 * message is in, an account deleted while its reactions and pins stand (and while it reacts or pins).
 */
import { randomUUID } from "node:crypto";
import { deleteAccount } from "@/lib/accounts/settings";
import { createConversation, removeMember } from "@/lib/conversations/service";
import { pinMessage } from "@/lib/messages/pins";
import { addReaction } from "@/lib/messages/reactions";
import { sendMessage } from "@/lib/messages/send";
import { syncMessages } from "@/lib/messages/history";
import { newPeople, newSession, PASSWORD, recordEvents, type Person } from "../support/domain";

const recording = recordEvents();
afterAll(() => recording.stop());

async function groupOf(people: Person[]): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: "Chat", memberIds: others.map((o) => o.id) } });
  return conversation.id;
}

describe("a change to a message", () => {
  test("a resend by a member who was removed is refused, not answered with the message's live reply preview and reactions", async () => {
    const [owner, ann, bob] = await newPeople(3);
    const id = await groupOf([owner, ann, bob]);
    const original = (await sendMessage({ conversationId: id, senderId: bob.id, clientId: randomUUID(), body: "secret plans" })).message;
    const clientId = randomUUID();
    await sendMessage({ conversationId: id, senderId: ann.id, clientId, body: "re", replyTo: original.id });
    await removeMember({ userId: owner.id, conversationId: id, targetId: ann.id });
    for (const conversationId of [id, randomUUID()]) {
      await expect(sendMessage({ conversationId, senderId: ann.id, clientId, body: "again" })).rejects.toMatchObject({ code: "not_found" });
    }
    // a member's resend still gets the stored copy
    const again = await sendMessage({ conversationId: id, senderId: bob.id, clientId: original.clientId, body: "secret plans" });
    expect(again).toMatchObject({ created: false, message: { id: original.id } });
  });

  test("a stranger naming another conversation's message as replyTo gets not_found, as for any conversation of theirs it is not", async () => {
    const [ann, bob, eve] = await newPeople(3);
    const [inside, hers] = await Promise.all([groupOf([ann, bob]), groupOf([eve, bob])]);
    const m = (await sendMessage({ conversationId: inside, senderId: ann.id, clientId: randomUUID(), body: "hi" })).message;
    const other = (await sendMessage({ conversationId: hers, senderId: eve.id, clientId: randomUUID(), body: "hers" })).message;
    // the same answer whether or not the message is in that conversation
    for (const replyTo of [m.id, other.id, randomUUID()]) {
      await expect(sendMessage({ conversationId: inside, senderId: eve.id, clientId: randomUUID(), body: "probe", replyTo })).rejects.toMatchObject({ code: "not_found" });
    }
  });

  test("an account deleted takes its reactions back as changes: each message a new rev and message.updated, so sync carries it", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const m = (await sendMessage({ conversationId: id, senderId: ann.id, clientId: randomUUID(), body: "vote" })).message;
    await addReaction({ userId: bob.id, messageId: m.id, emoji: "👍" });
    await addReaction({ userId: ann.id, messageId: m.id, emoji: "👍" });
    const before = (await syncMessages({ userId: ann.id, since: { [id]: 0 } })).messages.find((x) => x.id === m.id)!;
    expect(before.reactions).toEqual([{ emoji: "👍", count: 2, userIds: [bob.id, ann.id] }]);
    recording.clear();
    const session = await newSession(bob);
    await deleteAccount({ userId: bob.id, sessionId: session.id, password: PASSWORD });
    const updated = recording.of("message.updated").map((e) => e.message);
    expect(updated.map((x) => [x.id, x.reactions])).toEqual([[m.id, [{ emoji: "👍", count: 1, userIds: [ann.id] }]]]);
    const { messages } = await syncMessages({ userId: ann.id, since: { [id]: before.rev } });
    expect(messages.find((x) => x.id === m.id)).toMatchObject({ rev: updated[0].rev, reactions: [{ emoji: "👍", count: 1 }] });
    expect(updated[0].rev).toBeGreaterThan(before.rev);
  });

  test("an account deleted clears pinnedBy on the messages it pinned as changes: a new rev and message.updated each, also in a group it had left", async () => {
    const [ann, bob, cy] = await newPeople(3);
    const [stayed, left] = await Promise.all([groupOf([ann, bob]), groupOf([ann, bob, cy])]);
    const m = (await sendMessage({ conversationId: stayed, senderId: ann.id, clientId: randomUUID(), body: "pin me" })).message;
    const n = (await sendMessage({ conversationId: left, senderId: cy.id, clientId: randomUUID(), body: "and me" })).message;
    await pinMessage({ userId: bob.id, messageId: m.id, pinned: true });
    await pinMessage({ userId: bob.id, messageId: n.id, pinned: true });
    await removeMember({ userId: ann.id, conversationId: left, targetId: bob.id });
    const since = { [stayed]: (await syncMessages({ userId: ann.id, since: { [stayed]: 0 } })).messages.at(-1)!.rev, [left]: (await syncMessages({ userId: ann.id, since: { [left]: 0 } })).messages.at(-1)!.rev };
    recording.clear();
    const session = await newSession(bob);
    await deleteAccount({ userId: bob.id, sessionId: session.id, password: PASSWORD });
    const updated = recording.of("message.updated").map((e) => e.message);
    expect(updated.map((x) => [x.id, x.pinnedBy, !!x.pinnedAt]).sort()).toEqual([[m.id, null, true], [n.id, null, true]].sort());
    const { messages } = await syncMessages({ userId: ann.id, since });
    for (const x of updated) expect(messages.find((y) => y.id === x.id)).toMatchObject({ rev: x.rev, pinnedBy: null });
  });

  test("reacting and pinning while the account is being deleted end in a clean answer (never a deadlock's internal error), 10 rounds", async () => {
    for (let round = 0; round < 10; round++) {
      const [ann, bob] = await newPeople(2);
      const id = await groupOf([ann, bob]);
      const m = (await sendMessage({ conversationId: id, senderId: ann.id, clientId: randomUUID(), body: "x" })).message;
      const session = await newSession(bob);
      const results = await Promise.allSettled([
        deleteAccount({ userId: bob.id, sessionId: session.id, password: PASSWORD }),
        ...["👍", "🎉", "❤️"].map((emoji) => addReaction({ userId: bob.id, messageId: m.id, emoji })),
        pinMessage({ userId: bob.id, messageId: m.id, pinned: true }),
      ]);
      expect(results[0].status).toBe("fulfilled");
      for (const r of results.slice(1)) if (r.status === "rejected") expect(["unauthorized", "not_found", "rate_limited"]).toContain((r.reason as { code: string }).code);
    }
  });
});
