/**
 * The message model of the second round (DESIGN.md, "Contract additions: Messages") against
 * PostgreSQL alone: replies carry their original's preview (cut on a grapheme boundary, blanked when
 * deleted) and name only a message of the same conversation; mentions are members named with
 * `@username` in any case, or "all", never inside code; the list counts unread mentions; a page
 * `around` a position is centred as DESIGN.md fixes it.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { getConversationView } from "@/lib/conversations/store";
import { deleteMessage, editMessage } from "@/lib/messages/edit";
import { readAround, syncMessages } from "@/lib/messages/history";
import { markRead } from "@/lib/messages/read";
import { sendMessage } from "@/lib/messages/send";
import { MENTION_ALL, mentionNames } from "@/lib/messages/rules";
import { newPeople, type Person } from "../support/domain";

async function groupOf(people: Person[]): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: "Chat", memberIds: others.map((o) => o.id) } });
  return conversation.id;
}
const send = (conversationId: string, sender: Person, body: string, replyTo?: string) =>
  sendMessage({ conversationId, senderId: sender.id, clientId: randomUUID(), body, replyTo }).then((r) => r.message);

describe("replies", () => {
  test("carry a preview of the original, cut to 200 code points on a grapheme boundary, and deleted once it is", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    // 199 letters, then a flag (two code points) that would straddle the cut
    const long = `${"a".repeat(199)}🇫🇷 and more`;
    const original = await send(id, ann, long);
    const reply = await send(id, bob, "agreed", original.id);
    expect(reply.replyTo).toEqual({ id: original.id, seq: original.seq, senderId: ann.id, body: "a".repeat(199), deleted: false, files: [] });
    // read back the same way by every path
    const { messages } = await syncMessages({ userId: bob.id, since: { [id]: 0 } });
    expect(messages.find((m) => m.id === reply.id)!.replyTo).toEqual(reply.replyTo);
    await deleteMessage({ userId: ann.id, messageId: original.id });
    const { messages: after } = await syncMessages({ userId: bob.id, since: { [id]: 0 } });
    expect(after.find((m) => m.id === reply.id)!.replyTo).toEqual({ id: original.id, seq: original.seq, senderId: ann.id, body: "", deleted: true, files: [] });
  });

  test("to a message of another conversation, or to no message at all, is refused with bad_request and stores nothing", async () => {
    const [ann, bob] = await newPeople(2);
    const [here, there] = await Promise.all([groupOf([ann, bob]), groupOf([ann, bob])]);
    const elsewhere = await send(there, ann, "elsewhere");
    for (const replyTo of [elsewhere.id, randomUUID()]) {
      await expect(send(here, bob, "reply", replyTo)).rejects.toMatchObject({ code: "bad_request" });
    }
    const [row] = await getSql()`select last_seq from conversations where id = ${here}`;
    expect(Number(row.last_seq)).toBe(0);
  });
});

describe("mentions", () => {
  test("name members by @username in any case, and everyone by @all or @here; never inside code", () => {
    expect(mentionNames("hi @Ada and @bob_1, @here")).toEqual(["ada", "bob_1", MENTION_ALL]);
    expect(mentionNames("mail a@b.com `@ada` ``x @bob ``` @cat")).toEqual(["bob", "cat"]); // an unclosed `` is literal
    expect(mentionNames("```\n@ada\n```\n@bob")).toEqual(["bob"]);
    expect(mentionNames("~~~~\n@ada\n~~~\n@bob\n~~~~\n@cat")).toEqual(["cat"]);
    expect(mentionNames("x\n\n    @ada\n@bob")).toEqual(["bob"]);
    expect(mentionNames("@all")).toEqual([MENTION_ALL]);
  });

  test("stored as member ids (strangers dropped), re-read on edit, counted as unread mentions for the mentioned only", async () => {
    const [ann, bob, cid, stranger] = await newPeople(4);
    const id = await groupOf([ann, bob, cid]);
    const m = await send(id, ann, `hey @${bob.username.toUpperCase()} and @${stranger.username}, see \`@${cid.username}\``);
    expect(m.mentions).toEqual([bob.id]);
    expect((await getConversationView({ userId: bob.id, conversationId: id })).unreadMentions).toBe(1);
    expect((await getConversationView({ userId: cid.id, conversationId: id })).unreadMentions).toBe(0);
    const edited = await editMessage({ userId: ann.id, messageId: m.id, body: `now @${cid.username}` });
    expect(edited.mentions).toEqual([cid.id]);
    expect((await getConversationView({ userId: bob.id, conversationId: id })).unreadMentions).toBe(0);
    expect((await getConversationView({ userId: cid.id, conversationId: id })).unreadMentions).toBe(1);
    // @here counts for everyone but its sender; a self-mention never counts
    await send(id, bob, `@here and @${bob.username}`);
    expect((await getConversationView({ userId: cid.id, conversationId: id })).unreadMentions).toBe(2);
    expect((await getConversationView({ userId: bob.id, conversationId: id })).unreadMentions).toBe(0);
    const cidView = await getConversationView({ userId: cid.id, conversationId: id });
    await markRead({ userId: cid.id, conversationId: id, seq: cidView.lastSeq });
    expect((await getConversationView({ userId: cid.id, conversationId: id })).unreadMentions).toBe(0);
    expect(cidView.notifications).toBe("all");
  });
});

describe("a page around a position", () => {
  test("holds the newest ⌈N/2⌉ at or before it, then those after, and says whether there are more either side", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    for (let i = 1; i <= 12; i++) await send(id, ann, `m${i}`);
    const page = await readAround({ userId: bob.id, conversationId: id, around: 6, limit: 5 });
    expect(page.messages.map((m) => m.body)).toEqual(["m4", "m5", "m6", "m7", "m8"]);
    expect([page.hasMoreBefore, page.hasMoreAfter]).toEqual([true, true]);
    const start = await readAround({ userId: bob.id, conversationId: id, around: 1, limit: 6 });
    // only one at or before 1; the after half stays N − ⌈N/2⌉ = 3 (the page is not topped up)
    expect(start.messages.map((m) => m.body)).toEqual(["m1", "m2", "m3", "m4"]);
    expect([start.hasMoreBefore, start.hasMoreAfter]).toEqual([false, true]);
    await expect(readAround({ userId: randomUUID(), conversationId: id, around: 1 })).rejects.toMatchObject({ code: "not_found" });
  });
});
