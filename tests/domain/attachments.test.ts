/**
 * Files on messages (issue 14; DESIGN.md "message:send" `attachmentIds`), with each attachment store
 * (ATTACHMENT_STORE: PostgreSQL, and S3 against an s3rver these tests start): a send claims the
 * sender's own unsent uploads in order and carries them in every read path; a body may then be
 * empty; a foreign, unknown, unfinished or already-sent upload is refused; two sends racing for one
 * upload never both take it; deleting the message or the account deletes the files, bytes included;
 * unsent uploads are swept after a day; a store writes as the bytes arrive, refuses past the limit
 * at once and reads any range.
 */
import { createHash, randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { createConversation } from "@/lib/conversations/service";
import { deleteUnclaimed, sweepUnclaimed, UNCLAIMED_TTL_MS } from "@/lib/attachments/remove";
import { reapAll, reapRemovals } from "@/lib/attachments/reaper";
import { attachmentStore, closeAttachmentStore, type StoreKind } from "@/lib/attachments/store";
import { ATTACHMENT_CHUNK_BYTES, COPY_CONNECTIONS } from "@/lib/attachments/store-postgres";
import { S3_PART_BYTES } from "@/lib/attachments/store-s3";
import { loadEnv } from "@/lib/platform/env";
import { deleteMessage } from "@/lib/messages/edit";
import { readHistory, syncMessages } from "@/lib/messages/history";
import { sendMessage } from "@/lib/messages/send";
import { sendMessageSchema } from "@/lib/messages/schemas";
import { newPeople, type Person } from "../support/domain";
import { startTestS3, type TestS3 } from "../support/s3";

async function groupOf(people: Person[]): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title: "Files", memberIds: others.map((o) => o.id) } });
  return conversation.id;
}
/** An upload as the upload path leaves it: a finished row (sha256 set) with its bytes in the configured store. */
async function uploaded(owner: Person, name = "a.txt", opts: { finished?: boolean; thumb?: boolean } = {}): Promise<string> {
  const sql = getSql();
  const store = attachmentStore();
  const [row] = await sql`insert into attachments (uploader_id, name, content_type, size, sha256, width, height, thumbnail_size, store)
    values (${owner.id}, ${name}, ${opts.thumb ? "image/png" : "text/plain; charset=utf-8"}, 5, ${opts.finished === false ? "" : "ab".repeat(32)},
      ${opts.thumb ? 10 : null}, ${opts.thumb ? 20 : null}, ${opts.thumb ? 3 : null}, ${store.kind}) returning id`;
  await store.write(row.id, "file", [Buffer.from("hello")], Infinity, "");
  if (opts.thumb) await store.write(row.id, "thumbnail", [Buffer.from("tmb")], Infinity, "");
  return row.id as string;
}
/** Everything a store gives back for a range, joined. */
async function readAll(parts: AsyncIterable<Buffer>): Promise<Buffer> {
  const got: Buffer[] = [];
  for await (const part of parts) got.push(part);
  return Buffer.concat(got);
}
/** `size` bytes that differ from one offset to the next (a misplaced range shows). */
const patterned = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + (i >> 12)) % 251));
/** `data` as a client sends it: 64 KiB at a time, counting how many pieces were taken. */
function pieces(data: Buffer, taken = { count: 0 }) {
  return (async function* () {
    for (let i = 0; i < data.length; i += 64 * 1024) {
      taken.count++;
      yield data.subarray(i, i + 64 * 1024);
    }
  })();
}
const MiB = 1024 * 1024;
const send = (conversationId: string, sender: Person, body: string, attachmentIds?: string[]) =>
  sendMessage({ conversationId, senderId: sender.id, clientId: randomUUID(), body, attachmentIds }).then((r) => r.message);
const rowOf = async (id: string) => (await getSql()`select message_id, conversation_id, position from attachments where id = ${id}`)[0];

/** Runs the suite with ATTACHMENT_STORE=`kind` (for s3, against a fresh s3rver); `stored` lists what the store holds of an attachment. */
function withStore(kind: StoreKind) {
  const ctx = { s3: undefined as TestS3 | undefined };
  beforeAll(async () => {
    if (kind === "s3") {
      ctx.s3 = await startTestS3();
      loadEnv({ ...process.env, ...ctx.s3.env });
    }
    expect(attachmentStore().kind).toBe(kind);
  });
  afterAll(async () => {
    loadEnv();
    closeAttachmentStore();
    await ctx.s3?.close();
  });
  /** The store's keys (S3) or parts (PostgreSQL, named as keys) of attachment `id`. */
  const stored = async (id: string): Promise<string[]> => {
    if (kind === "s3") return ctx.s3!.keys(`attachments/${id}/`);
    const rows = await getSql()`select distinct variant from attachment_chunks where attachment_id = ${id} order by variant`;
    return rows.map((r) => `attachments/${id}/${r.variant}`);
  };
  return { ctx, stored };
}

describe.each(["postgres", "s3"] as const)("attachments on messages, stored in %s", (kind) => {
  const { stored } = withStore(kind);

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

  test("deleting the message deletes its files, bytes and all; deleting the account deletes its uploads", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await groupOf([ann, bob]);
    const file = await uploaded(ann, "plan.png", { thumb: true });
    expect(await stored(file)).toEqual([`attachments/${file}/file`, `attachments/${file}/thumbnail`]);
    const m = await send(id, ann, "see file", [file]);
    const deleted = await deleteMessage({ userId: ann.id, messageId: m.id });
    expect(deleted.attachments).toEqual([]);
    const sql = getSql();
    expect((await sql`select count(*)::int as n from attachments where id = ${file}`)[0].n).toBe(0);
    await reapAll();
    expect(await stored(file)).toEqual([]);
    const [sent, unsent] = [await uploaded(bob), await uploaded(bob)];
    await send(id, bob, "bob's file", [sent]);
    await sql`delete from users where id = ${bob.id}`;
    expect((await sql`select count(*)::int as n from attachments where id in ${sql([sent, unsent])}`)[0].n).toBe(0);
    await reapAll();
    expect([...(await stored(sent)), ...(await stored(unsent))]).toEqual([]);
    expect((await sql`select count(*)::int as n from attachment_removals where attachment_id in ${sql([file, sent, unsent])}`)[0].n).toBe(0);
  });

  test("an upload taken back by its uploader loses its bytes", async () => {
    const [ann] = await newPeople(1);
    const file = await uploaded(ann);
    await deleteUnclaimed({ userId: ann.id, id: file });
    await reapAll();
    expect(await stored(file)).toEqual([]);
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
    await reapAll();
    expect(await stored(old)).toEqual([]);
    expect(await stored(fresh)).toEqual([`attachments/${fresh}/file`]);
    expect(await stored(sent)).toEqual([`attachments/${sent}/file`]);
  });
});

describe.each(["postgres", "s3"] as const)("the %s store", (kind) => {
  const { stored } = withStore(kind);
  /** a row for bytes to belong to (the PostgreSQL store's parts refer to it) */
  const row = async (owner: Person) => (await getSql()`insert into attachments (uploader_id, name, content_type, size, sha256, store) values (${owner.id}, 'x', 'application/octet-stream', 0, '', ${kind}) returning id`)[0].id as string;

  test("writes as the bytes arrive, measures them, and reads back any range", async () => {
    const [ann] = await newPeople(1);
    const id = await row(ann);
    // past an S3 part (5 MiB) and many PostgreSQL parts (256 KiB)
    const data = patterned(S3_PART_BYTES + 300_000);
    const written = await attachmentStore().write(id, "file", pieces(data), data.length, "too large");
    expect(written.size).toBe(data.length);
    expect(written.sha256).toBe(createHash("sha256").update(data).digest("hex"));
    expect(written.head.equals(data.subarray(0, 64 * 1024))).toBe(true);
    const store = attachmentStore();
    expect((await readAll(store.read(id, "file", 0, data.length - 1))).equals(data)).toBe(true);
    for (const [start, end] of [[ATTACHMENT_CHUNK_BYTES - 10, ATTACHMENT_CHUNK_BYTES + 9], [S3_PART_BYTES - 1000, S3_PART_BYTES + 999], [data.length - 1, data.length - 1], [0, 0]]) {
      expect([start, (await readAll(store.read(id, "file", start, end))).equals(data.subarray(start, end + 1))]).toEqual([start, true]);
    }
    expect((await readAll(store.read(id, "file", 5, 4))).length).toBe(0);
    expect(await stored(id)).toEqual([`attachments/${id}/file`]);
    // the bytes are in one store only: with S3, PostgreSQL holds none of them
    const parts = (await getSql()`select count(*)::int as n from attachment_chunks where attachment_id = ${id}`)[0].n;
    expect(parts).toBe(kind === "postgres" ? Math.ceil(data.length / ATTACHMENT_CHUNK_BYTES) : 0);
  });

  test("stores an empty file, and reads nothing of bytes deleted meanwhile", async () => {
    const [ann] = await newPeople(1);
    const id = await row(ann);
    expect(await attachmentStore().write(id, "file", [], 10, "too large")).toMatchObject({ size: 0, sha256: createHash("sha256").digest("hex") });
    await getSql()`delete from attachments where id = ${id}`;
    await reapAll();
    expect(await readAll(attachmentStore().read(id, "file", 0, 100))).toEqual(Buffer.alloc(0));
  });

  test("refuses past the limit at once, and keeps nothing readable", async () => {
    const [ann] = await newPeople(1);
    const id = await row(ann);
    const data = patterned(2 * S3_PART_BYTES);
    const limit = S3_PART_BYTES + 100_000;
    const taken = { count: 0 };
    await expect(attachmentStore().write(id, "file", pieces(data, taken), limit, "too large")).rejects.toMatchObject({ code: "payload_too_large", message: "too large" });
    // the piece that crossed the limit was the last one read
    expect(taken.count).toBe(Math.ceil((limit + 1) / (64 * 1024)));
    // S3: no object was made (the multipart upload is abandoned); PostgreSQL: the parts written go
    // with the row, which nothing serves meanwhile (its sha256 is empty)
    expect(await stored(id)).toEqual(kind === "s3" ? [] : [`attachments/${id}/file`]);
    await getSql()`delete from attachments where id = ${id}`;
    await reapAll();
    expect(await stored(id)).toEqual([]);
  });
});

describe("the PostgreSQL store's COPY", () => {
  withStore("postgres");
  const row = async (owner: Person) => (await getSql()`insert into attachments (uploader_id, name, content_type, size, sha256, store) values (${owner.id}, 'x', 'application/octet-stream', 0, '', 'postgres') returning id`)[0].id as string;

  test("a write whose row goes meanwhile fails at once with the server's refusal, and the pool goes on serving", async () => {
    const [ann] = await newPeople(1);
    for (let round = 0; round < 5; round++) {
      const id = await row(ann);
      const data = patterned(4 * ATTACHMENT_CHUNK_BYTES);
      const source = (async function* () {
        yield data.subarray(0, 2 * ATTACHMENT_CHUNK_BYTES); // part 0 and 1 are written
        await getSql()`delete from attachments where id = ${id}`;
        yield data.subarray(2 * ATTACHMENT_CHUNK_BYTES);
      })();
      // postgres.js never settles a COPY's stream on a refusal: this would wait for ever (the test's timeout)
      await expect(attachmentStore().write(id, "file", source, Infinity, "")).rejects.toMatchObject({ code: "23503" });
      expect((await getSql()`select count(*)::int as n from attachment_chunks where attachment_id = ${id}`)[0].n).toBe(0);
    }
    expect((await getSql()`select 1 as one`)[0].one).toBe(1);
  });

  test("a write whose database connection is lost mid-copy fails promptly, with no uncaught error, and the pool goes on serving", async () => {
    const [ann] = await newPeople(1);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      for (let round = 0; round < 3; round++) {
        const id = await row(ann);
        let stop = false;
        // the server ends every other connection of the pool (a database restart), again and again while parts are copied
        const killer = (async () => {
          const admin = await getSql().reserve();
          try {
            while (!stop) {
              await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' and query ilike 'copy attachment_chunks%'`.catch(() => {});
              await new Promise((r) => setImmediate(r));
            }
          } finally {
            admin.release();
          }
        })();
        const source = (async function* () {
          for (let i = 0; i < 200; i++) yield patterned(ATTACHMENT_CHUNK_BYTES);
        })();
        const settled = await Promise.race([
          attachmentStore().write(id, "file", source, Infinity, "").then(() => "written", () => "failed"),
          new Promise((r) => setTimeout(() => r("no answer within 15 s"), 15_000)),
        ]);
        stop = true;
        await killer;
        expect(settled).toBe("failed");
      }
      expect(uncaught.map(String)).toEqual([]);
      expect((await getSql()`select 1 as one`)[0].one).toBe(1);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  }, 60_000);

  test("parts are copied while other queries use the database, none of them disturbed, more writes at once than COPY connections", async () => {
    const [ann] = await newPeople(1);
    const ids = await Promise.all(Array.from({ length: COPY_CONNECTIONS * 2 + 1 }, () => row(ann)));
    const data = patterned(MiB + 12345);
    const queries = Array.from({ length: 200 }, (_, i) => getSql()`select ${i}::int as i, pg_sleep(0.002)`.then((r) => r[0].i as number));
    const written = await Promise.all(ids.map((id) => attachmentStore().write(id, "file", pieces(data), Infinity, "")));
    expect(await Promise.all(queries)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    for (const [i, id] of ids.entries()) {
      expect(written[i].size).toBe(data.length);
      expect((await readAll(attachmentStore().read(id, "file", 0, data.length - 1))).equals(data)).toBe(true);
    }
  });
});

describe("removing S3 objects", () => {
  const { ctx } = withStore("s3");

  test("a removal S3 refuses stays queued and is retried; a node without S3 leaves it queued", async () => {
    const [ann] = await newPeople(1);
    const file = await uploaded(ann);
    const sql = getSql();
    await sql`delete from attachments where id = ${file}`;
    const queued = async () => (await sql`select store from attachment_removals where attachment_id = ${file}`).map((r) => r.store);
    expect(await queued()).toEqual(["s3"]);
    // S3 unreachable: the delete fails, the removal stays
    loadEnv({ ...process.env, ...ctx.s3!.env, S3_ENDPOINT: "http://127.0.0.1:9" });
    await expect(reapRemovals({ kind: "s3" })).rejects.toThrow();
    expect(await queued()).toEqual(["s3"]);
    // a node configured for PostgreSQL alone cannot reach S3: it leaves S3's removals to others
    loadEnv();
    await reapAll();
    expect(await queued()).toEqual(["s3"]);
    // S3 back: removed
    loadEnv({ ...process.env, ...ctx.s3!.env });
    await reapAll();
    expect(await queued()).toEqual([]);
    expect(await ctx.s3!.keys(`attachments/${file}/`)).toEqual([]);
  });
});
