/**
 * Uploads against a server of their own with small limits (README's env table): UPLOAD_IDLE_MS, so
 * a stalled upload body is 408 within seconds instead of 30 s, and UPLOAD_QUOTA_BYTES, so parallel
 * uploads near the quota can be raced cheaply (docs/attachments.md).
 */
import fs from "node:fs";
import path from "node:path";
import { freePort } from "@/db/embedded";
import { closeTestSql, createAccount, request, signIn, testSql } from "../support/api";
import { multipart, pngOf } from "../support/files";
import { rawRequest, type RawRequest } from "../support/raw-http";
import { startServerProcess, type ServerProcess } from "../support/server-process";

const IDLE_MS = 1500;
const QUOTA = 100_000;

const node: { server?: ServerProcess; testUrl?: string; dataDir?: string } = {};
beforeAll(async () => {
  node.dataDir = path.resolve(__dirname, "../../.data", `upload-limits-${process.pid}`);
  node.server = await startServerProcess(await freePort(), { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: node.dataDir, UPLOAD_IDLE_MS: String(IDLE_MS), UPLOAD_QUOTA_BYTES: String(QUOTA) }, 120_000);
  node.testUrl = process.env.PARLEY_TEST_URL;
  process.env.PARLEY_TEST_URL = node.server.url; // every helper talks to this node meanwhile
}, 150_000);
afterAll(async () => {
  process.env.PARLEY_TEST_URL = node.testUrl;
  await node.server?.stop();
  if (node.dataDir) fs.rmSync(node.dataDir, { recursive: true, force: true });
  await closeTestSql();
}, 30_000);

const signedIn = async () => {
  const acct = await createAccount();
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
};
const rowsOf = async (userId: string) => Number((await testSql()`select count(*) from attachments where uploader_id = ${userId}`)[0].count);

describe("a stalled upload body", () => {
  const file = () => multipart([{ field: "file", filename: "slow.bin", data: Buffer.alloc(4000, 1) }]);

  it.each<[string, (b: Buffer) => Partial<RawRequest>]>([
    ["a Content-Length 1000 bytes more than is sent", (b) => ({ chunks: [b], contentLength: b.length + 1000, stall: true })],
    ["a chunked body that stops", (b) => ({ chunks: [b.subarray(0, 3000)], stall: true })],
    ["a body trickled slower than a byte per UPLOAD_IDLE_MS", (b) => ({ chunks: [b.subarray(0, 200), ...Array.from(b.subarray(200, 210), (x) => Buffer.from([x]))], delayMs: IDLE_MS + 500, stall: true })],
  ])("%s: 408 request_timeout once no byte came for UPLOAD_IDLE_MS, the connection closed, the unfinished upload deleted", async (_what, framing) => {
    const ada = await signedIn();
    const { body, contentType } = file();
    const framed = framing(body);
    const answer = await rawRequest({ method: "POST", path: "/api/attachments", headers: { cookie: ada.cookie, "content-type": contentType }, ...framed, timeoutMs: 30_000 });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: "request_timeout", message: expect.any(String) } });
    expect(answer.headers.connection).toBe("close");
    // at the first pause longer than UPLOAD_IDLE_MS: the trickle's first, after its first byte
    expect(answer.ms).toBeLessThan(IDLE_MS + 8_000 + (framed.delayMs ?? 0));
    // the row made when the upload began is gone at once, not at the daily sweep
    for (let i = 0; (await rowsOf(ada.id)) > 0 && i < 40; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await rowsOf(ada.id)).toBe(0);
  }, 60_000);

  it("applies to a picture too (PUT /api/me/avatar)", async () => {
    const ada = await signedIn();
    const { body, contentType } = multipart([{ field: "file", filename: "me.png", type: "image/png", data: await pngOf(64, 64) }]);
    const answer = await rawRequest({ method: "PUT", path: "/api/me/avatar", headers: { cookie: ada.cookie, "content-type": contentType }, chunks: [body.subarray(0, 100)], stall: true, timeoutMs: 30_000 });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error.code).toBe("request_timeout");
    expect((await testSql()`select avatar from users where id = ${ada.id}`)[0].avatar).toBeNull();
  }, 60_000);

  it("does not cut a slow but steady upload that takes far longer than UPLOAD_IDLE_MS", async () => {
    const ada = await signedIn();
    const { body, contentType } = file();
    const pieces = Array.from({ length: 10 }, (_, i) => body.subarray(Math.floor((i * body.length) / 10), Math.floor(((i + 1) * body.length) / 10)));
    const answer = await rawRequest({ method: "POST", path: "/api/attachments", headers: { cookie: ada.cookie, "content-type": contentType }, chunks: pieces, delayMs: IDLE_MS / 3, timeoutMs: 30_000 });
    expect(answer.status).toBe(201);
    expect(answer.ms).toBeGreaterThan(2 * IDLE_MS);
    expect(JSON.parse(answer.body).attachment.size).toBe(4000);
  }, 60_000);
});

describe("the storage quota", () => {
  it("holds under parallel uploads: what one account keeps never passes UPLOAD_QUOTA_BYTES", async () => {
    for (let round = 0; round < 3; round++) {
      const ada = await signedIn();
      // 20 files of a fifth of the quota at once: 5 fit
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const { body, contentType } = multipart([{ field: "file", filename: `part${i}.bin`, data: Buffer.alloc(QUOTA / 5, i) }]);
          return request("/api/attachments", { method: "POST", cookie: ada.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } }).then(async (res) => {
            if (res.status === 413) expect((await res.json()).error.code).toBe("payload_too_large");
            return res.status;
          });
        }),
      );
      expect(statuses.every((s) => s === 201 || s === 413)).toBe(true);
      const [{ used, files }] = await testSql()`select coalesce(sum(size + coalesce(thumbnail_size, 0)), 0)::int as used, count(*)::int as files from attachments where uploader_id = ${ada.id}`;
      expect([round, used <= QUOTA]).toEqual([round, true]);
      expect(files).toBe(statuses.filter((s) => s === 201).length);
      expect(files).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);
});
