/**
 * Uploads and downloads over HTTP (issue 14, items 1–3, 5, 6; DESIGN.md "Attachments and avatars";
 * docs/attachments.md): the attachment's shape, the type sniffed from the bytes whatever the client
 * says, thumbnails of images (WebP, ≤ 480 px, orientation applied, no metadata), unsent uploads
 * visible to the uploader alone, the download's headers (nosniff, sandbox, disposition, ETag, ranges),
 * limits, and every malformed upload a 4xx in the error shape. All of it twice: against the test
 * server (ATTACHMENT_STORE=postgres) and against a second server on the same database with
 * ATTACHMENT_STORE=s3 and an s3rver this file starts.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import sharp from "sharp";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "@/db/embedded";
import { baseUrl, closeTestSql, createAccount, request, signIn, testSql } from "../support/api";
import { geotaggedJpeg, multipart, pngBomb, pngOf } from "../support/files";
import { declaredOnly } from "../support/raw-http";
import { startTestS3, type TestS3 } from "../support/s3";
import { startServerProcess, type ServerProcess } from "../support/server-process";

afterAll(closeTestSql);

const signedIn = async () => {
  const acct = await createAccount();
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
};
async function upload(cookie: string, filename: string, data: Buffer | string, type = "application/octet-stream") {
  const { body, contentType } = multipart([{ field: "file", filename, type, data }]);
  return request("/api/attachments", { method: "POST", cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
}
const MiB = 1024 * 1024;


/** Polls `check` until it passes (the reaper deletes stored bytes every 5 s), for at most `ms`. */
async function eventually(check: () => Promise<void>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe.each(["postgres", "s3"] as const)("attachments stored in %s", (kind) => {
  const s3Node: { s3?: TestS3; server?: ServerProcess; testUrl?: string; dataDir?: string } = {};
  // with S3: a server of its own on the test database, which every helper (baseUrl) talks to meanwhile
  beforeAll(async () => {
    if (kind !== "s3") return;
    s3Node.s3 = await startTestS3();
    s3Node.dataDir = path.resolve(__dirname, "../../.data", `s3-node-${process.pid}`);
    s3Node.server = await startServerProcess(await freePort(), { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: s3Node.dataDir, ...s3Node.s3.env }, 120_000);
    s3Node.testUrl = process.env.PARLEY_TEST_URL;
    process.env.PARLEY_TEST_URL = s3Node.server.url;
  }, 150_000);
  afterAll(async () => {
    if (kind !== "s3") return;
    process.env.PARLEY_TEST_URL = s3Node.testUrl;
    await s3Node.server?.stop();
    await s3Node.s3?.close();
    if (s3Node.dataDir) fs.rmSync(s3Node.dataDir, { recursive: true, force: true });
  }, 30_000);
  /** What the store holds of attachment `id`: S3 keys, or PostgreSQL parts named as keys. */
  const stored = async (id: string): Promise<string[]> => {
    if (kind === "s3") return s3Node.s3!.keys(`attachments/${id}/`);
    const rows = await testSql()`select distinct variant from attachment_chunks where attachment_id = ${id} order by variant`;
    return rows.map((r) => `attachments/${id}/${r.variant}`);
  };
  /** Stored bytes whose attachment row is gone (S3 keys; PostgreSQL's parts go with their rows). */
  const orphans = async (): Promise<string[]> => {
    if (kind === "postgres") return (await testSql()`select c.attachment_id from attachment_chunks c left join attachments a on a.id = c.attachment_id where a.id is null`).map((r) => r.attachment_id);
    const keys = await s3Node.s3!.keys("attachments/");
    const ids = [...new Set(keys.map((k) => k.split("/")[1]))];
    const live = new Set(ids.length ? (await testSql()`select id from attachments where id = any(${ids}::uuid[])`).map((r) => r.id as string) : []);
    return keys.filter((k) => !live.has(k.split("/")[1]));
  };

  describe("POST /api/attachments and GET /api/attachments/:id", () => {
    it("stores an image with its real size, a WebP thumbnail without metadata, and serves it to the uploader alone", async () => {
      const [ada, eve] = await Promise.all([signedIn(), signedIn()]);
      const png = await pngOf(1200, 900);
      const res = await upload(ada.cookie, "plan.png", png, "text/html");
      expect(res.status).toBe(201);
      const { attachment } = await res.json();
      expect(attachment).toEqual({ id: expect.any(String), name: "plan.png", contentType: "image/png", size: png.length, width: 1200, height: 900, url: `/api/attachments/${attachment.id}`, thumbnailUrl: `/api/attachments/${attachment.id}/thumbnail` });

      const file = await request(attachment.url, { cookie: ada.cookie });
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
      expect(file.headers.get("content-type")).toBe("image/png");
      expect(file.headers.get("content-disposition")).toBe(`inline; filename="plan.png"; filename*=UTF-8''plan.png`);
      expect(file.headers.get("x-content-type-options")).toBe("nosniff");
      expect(file.headers.get("content-security-policy")).toContain("sandbox");
      expect(file.headers.get("accept-ranges")).toBe("bytes");
      const etag = file.headers.get("etag")!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      // the bytes are in the configured store alone: with S3, PostgreSQL holds no part of them
      expect(await stored(attachment.id)).toEqual([`attachments/${attachment.id}/file`, `attachments/${attachment.id}/thumbnail`]);
      const parts = Number((await testSql()`select count(*) from attachment_chunks where attachment_id = ${attachment.id}`)[0].count);
      expect(parts > 0).toBe(kind === "postgres");

      const thumb = await request(attachment.thumbnailUrl, { cookie: ada.cookie });
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get("content-type")).toBe("image/webp");
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["webp", 480, 360]);

      // nobody else, not even knowing the id
      for (const path of [attachment.url, attachment.thumbnailUrl]) {
        const other = await request(path, { cookie: eve.cookie });
        expect(other.status).toBe(404);
        expect(await other.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
        expect((await request(path)).status).toBe(401);
      }
    });

    it("applies a photo's orientation to its size and thumbnail, and drops its EXIF and GPS from the thumbnail", async () => {
      const ada = await signedIn();
      const jpeg = await geotaggedJpeg(640, 480);
      const exif = (await sharp(jpeg).metadata()).exif!;
      // the source carries a GPS IFD (tag 0x8825) and the camera's name
      expect(exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]))).toBe(true);
      expect(jpeg.includes(Buffer.from("ParleyCam"))).toBe(true);
      const { attachment } = await (await upload(ada.cookie, "IMG_0001.JPG", jpeg, "image/jpeg")).json();
      expect([attachment.contentType, attachment.width, attachment.height]).toEqual(["image/jpeg", 480, 640]);
      const thumb = Buffer.from(await (await request(attachment.thumbnailUrl, { cookie: ada.cookie })).arrayBuffer());
      const meta = await sharp(thumb).metadata();
      expect([meta.width, meta.height, meta.exif, meta.orientation]).toEqual([360, 480, undefined, undefined]);
      expect(thumb.includes(Buffer.from("ParleyCam"))).toBe(false);
    });

    it("keeps an image that would cost too much to decode as a download without a thumbnail (a 381 KB PNG of 392 MB of pixels)", async () => {
      const ada = await signedIn();
      const res = await upload(ada.cookie, "bomb.png", await pngBomb(7000, 7000), "image/png");
      expect(res.status).toBe(201);
      const { attachment } = await res.json();
      expect([attachment.contentType, attachment.thumbnailUrl, attachment.width, attachment.height]).toEqual(["application/octet-stream", null, null, null]);
      // the same pixels at 8 bits, not interlaced, stream through libvips: a thumbnail as usual
      const plain = await (await upload(ada.cookie, "plain.png", await pngBomb(7000, 7000, { depth: 8, interlace: false }), "image/png")).json();
      expect([plain.attachment.contentType, plain.attachment.width, typeof plain.attachment.thumbnailUrl]).toEqual(["image/png", 7000, "string"]);
    });

    it("sniffs the type from the bytes: HTML and SVG are text to download, a fake PNG is a download, a PDF is a PDF", async () => {
      const ada = await signedIn();
      const cases: [string, string | Buffer, string, string][] = [
        ["x.html", "<!doctype html><script>alert(document.cookie)</script>", "text/html", "text/plain; charset=utf-8"],
        ["logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml", "text/plain; charset=utf-8"],
        ["photo.png", Buffer.from("not really a png, just words"), "image/png", "text/plain; charset=utf-8"],
        ["blob.bin", Buffer.from([0, 1, 2, 3, 255, 254, 0, 7]), "image/png", "application/octet-stream"],
        ["doc.pdf", Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), "application/octet-stream", "application/pdf"],
      ];
      for (const [name, data, claimed, sniffed] of cases) {
        const res = await upload(ada.cookie, name, data, claimed);
        expect([name, res.status]).toEqual([name, 201]);
        const { attachment } = await res.json();
        expect([name, attachment.contentType, attachment.thumbnailUrl]).toEqual([name, sniffed, null]);
        const file = await request(attachment.url, { cookie: ada.cookie });
        expect([name, file.headers.get("content-type"), file.headers.get("content-disposition")?.split(";")[0]]).toEqual([name, sniffed, "attachment"]);
        expect(file.headers.get("x-content-type-options")).toBe("nosniff");
        expect((await request(`${attachment.url}/thumbnail`, { cookie: ada.cookie })).status).toBe(404);
      }
    });

    it("answers conditional and range requests, with the length of what it sends", async () => {
      const ada = await signedIn();
      const data = Buffer.from(Array.from({ length: 600_000 }, (_, i) => i % 251));
      const { attachment } = await (await upload(ada.cookie, "data.bin", data)).json();
      const whole = await request(attachment.url, { cookie: ada.cookie });
      const etag = whole.headers.get("etag")!;
      // a length, not chunks: a browser shows the size and progress, and a body cut short shows as such
      expect([whole.headers.get("content-length"), whole.headers.get("transfer-encoding"), whole.headers.get("x-parley-content-length")]).toEqual([String(data.length), null, null]);
      const head = await request(attachment.url, { cookie: ada.cookie, method: "HEAD" });
      expect([head.status, head.headers.get("content-length")]).toEqual([200, String(data.length)]);
      expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
      expect((await request(attachment.url, { cookie: ada.cookie, headers: { "if-none-match": etag } })).status).toBe(304);
      // across the stored parts' boundary (256 KiB)
      const part = await request(attachment.url, { cookie: ada.cookie, headers: { range: "bytes=262000-262999" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes 262000-262999/${data.length}`);
      expect(part.headers.get("content-length")).toBe("1000");
      expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(262000, 263000))).toBe(true);
      const tail = await request(attachment.url, { cookie: ada.cookie, headers: { range: "bytes=-10" } });
      expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(data.length - 10))).toBe(true);
      const outside = await request(attachment.url, { cookie: ada.cookie, headers: { range: `bytes=${data.length}-` } });
      expect(outside.status).toBe(416);
      expect(outside.headers.get("content-range")).toBe(`bytes */${data.length}`);
      // a stale If-Range gets the whole file
      const stale = await request(attachment.url, { cookie: ada.cookie, headers: { range: "bytes=0-9", "if-range": '"other"' } });
      expect(stale.status).toBe(200);
    });

    it("never ends a download cut short (the file deleted while read) as if whole: the connection closes, and no later answer on it reads as the file's rest", async () => {
      const ada = await signedIn();
      const data = randomBytes(12 * MiB);
      const { attachment } = await (await upload(ada.cookie, "big.bin", data)).json();
      const url = new URL(baseUrl());
      const socket = net.connect(Number(url.port), url.hostname);
      let got = Buffer.alloc(0);
      let closed = false;
      let deleting: Promise<Response> | undefined;
      socket.on("close", () => (closed = true));
      socket.on("data", (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (!deleting && got.length > 300_000) {
          socket.pause();
          deleting = request(`/api/attachments/${attachment.id}`, { method: "DELETE", cookie: ada.cookie });
          void deleting.then(() => setTimeout(() => socket.resume(), 300));
        }
      });
      socket.write(`GET ${attachment.url} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${ada.cookie}\r\n\r\n`);
      await new Promise((r) => setTimeout(r, 3000));
      expect((await deleting)?.status).toBe(204);
      // a client that pipelines (or a proxy reusing the connection) asks again on it
      if (!closed) socket.write(`GET /api/health HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      await new Promise((r) => setTimeout(r, 1000));
      socket.destroy();
      const headEnd = got.indexOf("\r\n\r\n");
      const declared = Number(/content-length: (\d+)/i.exec(got.subarray(0, headEnd).toString())![1]);
      const body = got.length - headEnd - 4;
      // whole (a store that still serves the bytes; the second answer may follow), or short with the connection closed
      expect({ short: body < declared, closed: body < declared && closed }).toEqual({ short: body < declared, closed: body < declared });
    });

    it("keeps a cleaned file name: no path, no controls or bidi overrides, not too long", async () => {
      const ada = await signedIn();
      const named = async (name: string) => (await (await upload(ada.cookie, name, "x")).json()).attachment.name;
      expect(await named("../../etc/passwd")).toBe("passwd");
      expect(await named("C:\\Users\\x\\notes.txt")).toBe("notes.txt");
      expect(await named("invoice\u202egpj.exe")).toBe("invoicegpj.exe");
      expect(await named("résumé final.txt")).toBe("résumé final.txt");
      const long = await named(`${"a".repeat(300)}.txt`);
      expect([...long].length).toBe(200);
      expect(long.endsWith(".txt")).toBe(true);
      expect(await named("")).toBe("file");
    });

    it("lets the uploader remove an unsent upload, and nobody else", async () => {
      const [ada, eve] = await Promise.all([signedIn(), signedIn()]);
      const { attachment } = await (await upload(ada.cookie, "a.txt", "hello")).json();
      expect((await request(attachment.url, { method: "DELETE", cookie: eve.cookie })).status).toBe(404);
      expect((await request(attachment.url, { method: "DELETE", cookie: ada.cookie })).status).toBe(204);
      expect((await request(attachment.url, { cookie: ada.cookie })).status).toBe(404);
      await eventually(async () => expect(await stored(attachment.id)).toEqual([]));
    });

    it.each([
      ["no multipart", { "content-type": "application/json" }, '{"file":"x"}'],
      ["no boundary", { "content-type": "multipart/form-data" }, "x"],
      ["another field", null, multipart([{ field: "upload", filename: "a.txt", data: "x" }])],
      ["two files", null, multipart([{ field: "file", filename: "a.txt", data: "x" }, { field: "file", filename: "b.txt", data: "y" }])],
      ["a text field", null, multipart([{ field: "note", data: "hi" }, { field: "file", filename: "a.txt", data: "x" }])],
      ["no file at all", null, multipart([])],
      ["a truncated body", null, (() => { const m = multipart([{ field: "file", filename: "a.txt", data: "x".repeat(1000) }]); return { ...m, body: m.body.subarray(0, 300) }; })()],
    ] as const)("refuses %s with 400 and keeps nothing", async (_what, headers, payload) => {
      const ada = await signedIn();
      const body = typeof payload === "string" ? payload : new Uint8Array(payload.body);
      const contentType = typeof payload === "string" ? headers!["content-type"] : payload.contentType;
      const res = await request("/api/attachments", { method: "POST", cookie: ada.cookie, body, headers: { "content-type": contentType } });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("bad_request");
      expect(Number((await testSql()`select count(*) from attachments where uploader_id = ${ada.id}`)[0].count)).toBe(0);
    });

    it("refuses a file over UPLOAD_MAX_BYTES with 413: at once when declared, and as it crosses the limit when streamed", async () => {
      const ada = await signedIn();
      // declared: answered before a byte of the body is sent
      const declared = await declaredOnly("POST", "/api/attachments", ada.cookie, 26 * MiB);
      expect(declared.status).toBe(413);
      expect(JSON.parse(declared.body).error.code).toBe("payload_too_large");
      // streamed (chunked): 25 MiB + 1 byte of file
      const big = Buffer.alloc(25 * MiB + 1, 7);
      const { body, contentType } = multipart([{ field: "file", filename: "big.bin", data: big }]);
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < body.length; i += MiB) c.enqueue(body.subarray(i, i + MiB));
          c.close();
        },
      });
      const res = await fetch(`${baseUrl()}/api/attachments`, { method: "POST", headers: { cookie: ada.cookie, "content-type": contentType }, body: stream, duplex: "half" } as RequestInit);
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe("payload_too_large");
      expect(Number((await testSql()`select count(*) from attachments where uploader_id = ${ada.id}`)[0].count)).toBe(0);
      // what was written before the limit was crossed is deleted with the row
      await eventually(async () => expect(await orphans()).toEqual([]));
    });

    it("takes a file of exactly UPLOAD_MAX_BYTES", async () => {
      const ada = await signedIn();
      const data = Buffer.alloc(25 * MiB, 3);
      const res = await upload(ada.cookie, "full.bin", data);
      expect(res.status).toBe(201);
      const { attachment } = await res.json();
      expect(attachment.size).toBe(25 * MiB);
      const tail = await request(attachment.url, { cookie: ada.cookie, headers: { range: "bytes=-4" } });
      expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.alloc(4, 3))).toBe(true);
    });
  });

  describe("attachments sent with a message", () => {
    it("a sent file is for the conversation's members now, and is listed in the uploader's export", async () => {
      const [ada, bob, eve] = await Promise.all([signedIn(), signedIn(), signedIn()]);
      const group = (await (await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "group", title: "Files", memberIds: [bob.id, eve.id] } })).json()).conversation;
      const { attachment } = await (await upload(ada.cookie, "notes.txt", "meeting notes")).json();
      const sent = await request(`/api/conversations/${group.id}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: crypto.randomUUID(), body: "", attachmentIds: [attachment.id] } });
      expect(sent.status).toBe(201);
      const { message } = await sent.json();
      expect(message.attachments).toEqual([attachment]);
      expect(message.body).toBe("");
      // bob, a member, reads it; eve too until she is removed
      expect(await (await request(attachment.url, { cookie: bob.cookie })).text()).toBe("meeting notes");
      expect((await request(attachment.url, { cookie: eve.cookie })).status).toBe(200);
      expect((await request(`/api/conversations/${group.id}/members/${eve.id}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
      expect((await request(attachment.url, { cookie: eve.cookie })).status).toBe(404);
      // a sent file cannot be removed as an unsent one, nor sent again
      expect((await request(attachment.url, { method: "DELETE", cookie: ada.cookie })).status).toBe(404);
      const again = await request(`/api/conversations/${group.id}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: crypto.randomUUID(), body: "again", attachmentIds: [attachment.id] } });
      expect(again.status).toBe(400);
      expect((await again.json()).error.fields).toHaveProperty("attachmentIds");
      // the export lists it
      const exported = await (await request("/api/me/export", { cookie: ada.cookie })).json();
      expect(exported.attachments).toEqual([expect.objectContaining({ id: attachment.id, name: "notes.txt", size: 13, messageId: message.id, conversationId: group.id, url: attachment.url })]);
      // deleting the account deletes the file, its stored bytes too
      expect(await stored(attachment.id)).toEqual([`attachments/${attachment.id}/file`]);
      expect((await request("/api/me", { method: "DELETE", cookie: ada.cookie, json: { password: ada.password } })).status).toBe(204);
      expect((await request(attachment.url, { cookie: bob.cookie })).status).toBe(404);
      await eventually(async () => expect(await stored(attachment.id)).toEqual([]));
    });
  });
});

describe("the PostgreSQL store (the suite's own server)", () => {
  it("answers an upload whose row is deleted while its last part waits to be written with 404, not 500", async () => {
    const ada = await signedIn();
    const locker = await testSql().reserve();
    try {
      await locker`begin`;
      await locker`lock table attachment_chunks in access exclusive mode`; // the upload's only part waits
      const answer = upload(ada.cookie, "small.bin", randomBytes(1000));
      await eventually(async () => expect((await testSql()`select count(*)::int as n from attachments where uploader_id = ${ada.id}`)[0].n).toBe(1));
      await new Promise((r) => setTimeout(r, 500)); // the body is read whole; its part is waiting for the lock
      await locker`delete from attachments where uploader_id = ${ada.id}`;
      await locker`commit`;
      const res = await answer;
      expect([res.status, (await res.json()).error?.code]).toEqual([404, "not_found"]);
    } finally {
      await locker`rollback`.catch(() => {});
      locker.release();
    }
  });
});

describe("an upload's pace", () => {
  it("is storage's, not the network's: while storage waits, the server stops reading and the client's bytes wait in TCP", async () => {
    const ada = await signedIn();
    const MiB = 1024 * 1024;
    const size = 24 * MiB;
    const { body, contentType } = multipart([{ field: "file", filename: "big.bin", data: Buffer.alloc(size, 7) }]);
    // storage is held: the first part's insert waits on this lock until it is let go
    const sql = testSql();
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    const locked = new Promise<void>((ready) => {
      void sql.begin(async (tx) => {
        await tx`lock table attachment_chunks in exclusive mode`;
        ready();
        await released;
      });
    });
    await locked;
    try {
      const url = new URL("/api/attachments", baseUrl());
      const req = http.request(url, { method: "POST", agent: false, headers: { cookie: ada.cookie, "content-type": contentType, "content-length": String(body.byteLength), origin: url.origin } });
      const answered = new Promise<number>((resolve, reject) => {
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        });
        req.on("error", reject);
      });
      // write as fast as TCP takes it; once it stops taking for a second, see how much it took
      let written = 0;
      const piece = 256 * 1024;
      for (;;) {
        if (written >= body.byteLength) break;
        const more = req.write(body.subarray(written, written + piece));
        written = Math.min(body.byteLength, written + piece);
        if (!more && !(await Promise.race([new Promise<boolean>((r) => req.once("drain", () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]))) break;
      }
      const taken = req.socket!.bytesWritten;
      release();
      // a server that read ahead would hold the whole file in memory meanwhile; this one took 4–6 MB (TCP's buffers)
      expect(taken).toBeLessThan(size * 0.75);
      if (written < body.byteLength) req.write(body.subarray(written));
      req.end();
      expect(await answered).toBe(201);
    } finally {
      release();
    }
  });
});

