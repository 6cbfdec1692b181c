/**
 * Files on messages (issue 14; DESIGN.md "message:send" `attachmentIds`) against PostgreSQL alone:
 * a send claims the sender's own unsent uploads in order and carries them in every read path; a body
 * may then be empty; a foreign, unknown, unfinished or already-sent upload is refused; two sends
 * racing for one upload never both take it; deleting the message or the account deletes the files;
 * unsent uploads are swept after a day.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { sweepUnclaimed, UNCLAIMED_TTL_MS } from "@/lib/attachments/remove";
import { deleteMessage } from "@/lib/messages/edit";
import { readHistory, syncMessages } from "@/lib/messages/history";
import { sendMessage } from "@/lib/messages/send";
import { sendMessageSchema } from "@/lib/messages/schemas";
import { newPeople, type Person } from "../support/domain";

async function groupOf(people: Person[]): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: "Files", memberIds: others.map((o) => o.id) } });
  return conversation.id;
}
/** An upload as the upload path leaves it: a finished row (sha256 set) with one part. */
async function uploaded(owner: Person, name = "a.txt", opts: { finished?: boolean; thumb?: boolean } = {}): Promise<string> {
  const sql = getSql();
  const [row] = await sql`insert into attachments (uploader_id, name, content_type, size, sha256, width, height, thumbnail_size)
    values (${owner.id}, ${name}, ${opts.thumb ? "image/png" : "text/plain; charset=utf-8"}, 5, ${opts.finished === false ? "" : "ab".repeat(32)},
      ${opts.thumb ? 10 : null}, ${opts.thumb ? 20 : null}, ${opts.thumb ? 3 : null}) returning id`;
  await sql`insert into attachment_chunks (attachment_id, variant, part, data) values (${row.id}, 'file', 0, ${Buffer.from("hello")})`;
  return row.id as string;
}
const send = (conversationId: string, sender: Person, body: string, attachmentIds?: string[]) =>
  sendMessage({ conversationId, senderId: sender.id, clientId: randomUUID(), body, attachmentIds }).then((r) => r.message);
const rowOf = async (id: string) => (await getSql()`select message_id, conversation_id, position from attachments where id = ${id}`)[0];

describe("attachments on messages", () => {
  test("a send claims the sender's uploads in order; history and sync carry them; the body may be empty", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const [a, b] = [await uploaded(ann, "b.png", { thumb: true }), await uploaded(ann, "a.txt")];
    const m = await send(id, ann, "", [a, b]);
    expect(m.body).toBe("");
    expect(m.attachments).toEqual([
      { id: a, name: "b.png", contentType: "image/png", size: 5, width: 10, height: 20, url: `/api/attachments/${a}`, thumbnailUrl: `/api/attachments/${a}/thumbnail` },
      { id: b, name: "a.txt", contentType: "text/plain; charset=utf-8", size: 5, width: null, height: null, url: `/api/attachments/${b}`, thumbnailUrl: null },
    ]);
    expect(await rowOf(a)).toEqual({ message_id: m.id, conversation_id: id, position: 0 });
    expect(await rowOf(b)).toEqual({ message_id: m.id, conversation_id: id, position: 1 });
    const history = await readHistory({ userId: bob.id, conversationId: id, query: {} });
    expect(history.messages.find((x) => x.id === m.id)?.attachments).toEqual(m.attachments);
    const synced = await syncMessages({ userId: bob.id, since: { [id]: 0 } });
    expect(synced.messages.find((x) => x.id === m.id)?.attachments).toEqual(m.attachments);
  });

  test("refuses another's, an unknown, an unfinished or an already-sent upload, and stores nothing then", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const mine = await uploaded(ann);
    const sent = await uploaded(ann);
    await send(id, ann, "first", [sent]);
    for (const ids of [[await uploaded(bob)], [randomUUID()], [await uploaded(ann, "x", { finished: false })], [sent], [mine, sent]]) {
      await expect(send(id, ann, "with files", ids)).rejects.toMatchObject({ code: "bad_request", fields: { attachmentIds: expect.any(String) } });
    }
    expect(await rowOf(mine)).toEqual({ message_id: null, conversation_id: null, position: 0 });
    const count = Number((await getSql()`select count(*) from messages where conversation_id = ${id} and kind = 'text'`)[0].count);
    expect(count).toBe(1);
  });

  test("the body rule: empty needs a file; at most 10 files, each once", () => {
    const base = { conversationId: randomUUID(), clientId: randomUUID() };
    expect(sendMessageSchema.safeParse({ ...base, body: "  " }).success).toBe(false);
    expect(sendMessageSchema.safeParse({ ...base, body: "  ", attachmentIds: [] }).success).toBe(false);
    const one = sendMessageSchema.safeParse({ ...base, body: "  \n", attachmentIds: [randomUUID()] });
    expect(one.success && one.data.body).toBe("");
    const eleven = Array.from({ length: 11 }, () => randomUUID());
    expect(sendMessageSchema.safeParse({ ...base, body: "x", attachmentIds: eleven }).success).toBe(false);
    expect(sendMessageSchema.safeParse({ ...base, body: "x", attachmentIds: eleven.slice(0, 10) }).success).toBe(true);
    const twice = randomUUID();
    expect(sendMessageSchema.safeParse({ ...base, body: "x", attachmentIds: [twice, twice] }).success).toBe(false);
  });

  test("sends racing for one upload: exactly one takes it, every round", async () => {
    for (let round = 0; round < 20; round++) {
      // a sender per round: 3 sends a round would reach LIMITS.send otherwise
      const [ann, bob] = await newPeople(2);
      const id = await groupOf([ann, bob]);
      const other = await groupOf([ann, bob]);
      const file = await uploaded(ann);
      const results = await Promise.allSettled([send(id, ann, `one ${round}`, [file]), send(other, ann, `two ${round}`, [file]), send(id, ann, `three ${round}`, [file])]);
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "bad_request" });
      const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof send>>>).value;
      expect((await rowOf(file)).message_id).toBe(winner.id);
    }
  });

  test("deleting the message deletes its files; deleting the account deletes its uploads", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const file = await uploaded(ann);
    const m = await send(id, ann, "see file", [file]);
    const deleted = await deleteMessage({ userId: ann.id, messageId: m.id });
    expect(deleted.attachments).toEqual([]);
    const sql = getSql();
    expect((await sql`select count(*)::int as n from attachments where id = ${file}`)[0].n).toBe(0);
    expect((await sql`select count(*)::int as n from attachment_chunks where attachment_id = ${file}`)[0].n).toBe(0);
    const kept = await uploaded(bob);
    await send(id, bob, "bob's file", [kept]);
    await sql`delete from users where id = ${bob.id}`;
    expect((await sql`select count(*)::int as n from attachments where id = ${kept}`)[0].n).toBe(0);
  });

  test("uploads not sent within a day are swept, sent ones never", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const [old, fresh, sent] = [await uploaded(ann), await uploaded(ann), await uploaded(ann)];
    await send(id, ann, "kept", [sent]);
    const sql = getSql();
    await sql`update attachments set created_at = now() - interval '25 hours' where id in ${sql([old, sent])}`;
    await sweepUnclaimed();
    const left = (await sql`select id from attachments where id in ${sql([old, fresh, sent])}`).map((r) => r.id).sort();
    expect(left).toEqual([fresh, sent].sort());
    expect(UNCLAIMED_TTL_MS).toBe(24 * 60 * 60 * 1000);
  });
});
