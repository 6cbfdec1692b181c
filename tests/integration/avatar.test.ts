/**
 * Avatars over HTTP (issue 14, item 4; DESIGN.md "Attachments and avatars"; docs/attachments.md
 * "Avatars"): PUT /api/me/avatar re-encodes any accepted image to a 256×256 WebP without metadata
 * (a geotagged photo loses its EXIF and GPS), PublicUser `avatar` becomes its versioned URL, GET
 * serves it to signed-in people with its caching headers, DELETE (and PATCH `avatar: null`)
 * removes it; `user:updated` reaches the people who share a conversation; and every bad request is
 * a 4xx in the error shape that changes nothing.
 */
import sharp from "sharp";
import type { PublicUser } from "@/lib/people/types";
import { LIMITS } from "@/lib/platform/rate-limit";
import { baseUrl, closeTestSql, createAccount, request, signIn, testSql } from "../support/api";
import { geotaggedJpeg, multipart, pngBomb, pngOf } from "../support/files";
import { declaredOnly } from "../support/raw-http";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

afterAll(async () => {
  closeAllSockets();
  await closeTestSql();
});

const MiB = 1024 * 1024;
const signedIn = async () => {
  const acct = await createAccount();
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
};
function putAvatar(cookie: string, data: Buffer | string, opts: { filename?: string; type?: string; headers?: Record<string, string> } = {}) {
  const { body, contentType } = multipart([{ field: "file", filename: opts.filename ?? "me.png", type: opts.type ?? "image/png", data }]);
  return request("/api/me/avatar", { method: "PUT", cookie, body: new Uint8Array(body), headers: { "content-type": contentType, ...opts.headers } });
}
const rowOf = async (userId: string) => (await testSql()`select sha256, length(data) as size from avatars where user_id = ${userId}`)[0];
const storedAvatar = async (userId: string) => (await testSql()`select avatar from users where id = ${userId}`)[0].avatar as string | null;

describe("PUT /api/me/avatar", () => {
  it("re-encodes a geotagged, rotated JPEG to a 256×256 WebP with no EXIF, GPS or camera name, and names it in the profile", async () => {
    const ada = await signedIn();
    // 640×480 stored, orientation 6: shown 480×640 (portrait)
    const jpeg = await geotaggedJpeg(640, 480);
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const res = await putAvatar(ada.cookie, jpeg, { filename: "IMG_0001.JPG", type: "image/jpeg" });
    expect(res.status).toBe(200);
    const { user } = await res.json();
    expect(Object.keys(user).sort()).toEqual(["avatar", "bio", "createdAt", "displayName", "email", "id", "username"]);
    const row = await rowOf(ada.id);
    expect(user.avatar).toBe(`/api/avatars/${ada.id}?v=${row.sha256.slice(0, 16)}`);
    expect(Number(row.size)).toBeLessThan(30_000);

    const got = await request(user.avatar, { cookie: ada.cookie });
    expect(got.status).toBe(200);
    const webp = Buffer.from(await got.arrayBuffer());
    const meta = await sharp(webp).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 256, 256]);
    expect([meta.exif, meta.icc, meta.xmp, meta.orientation]).toEqual([undefined, undefined, undefined, undefined]);
    expect(webp.includes(Buffer.from("ParleyCam"))).toBe(false);
    expect(webp.includes(Buffer.from("EXIF")) || webp.includes(Buffer.from("Exif"))).toBe(false);

    // the orientation was applied before the crop: the picture matches the photo turned upright,
    // not the photo as stored
    const pixels = async (img: ReturnType<typeof sharp>) => (await img.resize(256, 256, { fit: "cover" }).removeAlpha().raw().toBuffer());
    const distance = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
    const ours = await pixels(sharp(webp));
    const upright = distance(ours, await pixels(sharp(jpeg).rotate()));
    const asStored = distance(ours, await pixels(sharp(jpeg, { autoOrient: false })));
    expect(upright).toBeLessThan(8);
    expect(asStored).toBeGreaterThan(upright * 3);

    // the profile everyone sees carries the URL
    const other = await signedIn();
    const profile = await (await request(`/api/users/${ada.username}`, { cookie: other.cookie })).json();
    expect(profile.user.avatar).toBe(user.avatar);
  });

  it("takes PNG, GIF and WebP too, crops a wide image to its centre square, and gives each picture a new URL", async () => {
    const ada = await signedIn();
    const urls: string[] = [];
    const wide = await pngOf(900, 300);
    for (const [data, type] of [
      [wide, "image/png"],
      [await sharp(wide).gif().toBuffer(), "image/gif"],
      [await sharp(await pngOf(300, 900)).webp().toBuffer(), "image/webp"],
    ] as const) {
      const res = await putAvatar(ada.cookie, data, { type: "application/octet-stream" });
      expect([type, res.status]).toEqual([type, 200]);
      const { user } = await res.json();
      urls.push(user.avatar);
      const meta = await sharp(Buffer.from(await (await request(user.avatar, { cookie: ada.cookie })).arrayBuffer())).metadata();
      expect([type, meta.format, meta.width, meta.height]).toEqual([type, "webp", 256, 256]);
    }
    expect(new Set(urls).size).toBe(3);
    expect(await testSql()`select user_id from avatars where user_id = ${ada.id}`).toHaveLength(1);
  });

  it.each([
    ["an SVG", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"],
    ["HTML named .png", "<!doctype html><script>alert(1)</script>", "image/png"],
    ["a PDF", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", "application/pdf"],
    ["an empty file", "", "image/png"],
  ])("refuses %s with 400 and keeps what was there", async (_what, data, type) => {
    const ada = await signedIn();
    expect((await putAvatar(ada.cookie, await pngOf(64, 64))).status).toBe(200);
    const before = [await storedAvatar(ada.id), await rowOf(ada.id)];
    const res = await putAvatar(ada.cookie, data, { type, filename: "x" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(/PNG, JPEG, GIF or WebP/);
    expect([await storedAvatar(ada.id), await rowOf(ada.id)]).toEqual(before);
  });

  it("refuses, before decoding, a small picture of huge or deep pixels (a decompression bomb) with 400", async () => {
    const ada = await signedIn();
    const res = await putAvatar(ada.cookie, await pngBomb(7000, 7000));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "bad_request", message: expect.stringMatching(/too large to process/) });
    expect(await storedAvatar(ada.id)).toBeNull();
  });

  it("refuses a damaged image with 400", async () => {
    const ada = await signedIn();
    const png = await pngOf(200, 200);
    const res = await putAvatar(ada.cookie, png.subarray(0, 120));
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
    expect(await storedAvatar(ada.id)).toBeNull();
  });

  it.each([
    ["no multipart", "application/json", '{"file":"x"}'],
    ["another field", null, multipart([{ field: "picture", filename: "a.png", data: "x" }])],
    ["two files", null, multipart([{ field: "file", filename: "a.png", data: "x" }, { field: "file", filename: "b.png", data: "y" }])],
    ["a text field after the file", null, multipart([{ field: "file", filename: "a.png", data: "x" }, { field: "note", data: "hi" }])],
    ["a truncated body", null, (() => { const m = multipart([{ field: "file", filename: "a.png", data: "x".repeat(1000) }]); return { ...m, body: m.body.subarray(0, 300) }; })()],
  ] as const)("refuses %s with 400 and changes nothing", async (_what, type, payload) => {
    const ada = await signedIn();
    const body = typeof payload === "string" ? payload : new Uint8Array(payload.body);
    const contentType = typeof payload === "string" ? type! : payload.contentType;
    const res = await request("/api/me/avatar", { method: "PUT", cookie: ada.cookie, body, headers: { "content-type": contentType } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
    expect(await storedAvatar(ada.id)).toBeNull();
  });

  it("a valid picture followed by another part is refused whole: nothing is set", async () => {
    const ada = await signedIn();
    const { body, contentType } = multipart([{ field: "file", filename: "a.png", type: "image/png", data: await pngOf(64, 64) }, { field: "extra", data: "x" }]);
    const res = await request("/api/me/avatar", { method: "PUT", cookie: ada.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
    expect(res.status).toBe(400);
    expect(await storedAvatar(ada.id)).toBeNull();
    expect(await rowOf(ada.id)).toBeUndefined();
  });

  it("refuses more than 10 MiB with 413: at once when declared, and as it crosses the limit when streamed", async () => {
    const ada = await signedIn();
    const declared = await declaredOnly("PUT", "/api/me/avatar", ada.cookie, 11 * MiB);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error).toEqual({ code: "payload_too_large", message: "A picture may be at most 10 MiB" });
    // chunked: 10 MiB + 1 byte of file, the start a real PNG
    const big = Buffer.concat([await pngOf(64, 64), Buffer.alloc(10 * MiB, 1)]);
    const { body, contentType } = multipart([{ field: "file", filename: "big.png", type: "image/png", data: big }]);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < body.length; i += MiB) c.enqueue(body.subarray(i, i + MiB));
        c.close();
      },
    });
    const res = await fetch(`${baseUrl()}/api/me/avatar`, { method: "PUT", headers: { cookie: ada.cookie, "content-type": contentType }, body: stream, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(await storedAvatar(ada.id)).toBeNull();
  });

  it("refuses the signed-out with 401 and another origin with 403, changing nothing", async () => {
    const ada = await signedIn();
    const png = await pngOf(64, 64);
    const anonymous = await putAvatar("", png);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
    for (const [method, send] of [
      ["PUT", () => putAvatar(ada.cookie, png, { headers: { origin: "https://evil.example" } })],
      ["DELETE", () => request("/api/me/avatar", { method: "DELETE", cookie: ada.cookie, headers: { origin: "https://evil.example" } })],
    ] as const) {
      const res = await send();
      expect([method, res.status]).toEqual([method, 403]);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    expect(await storedAvatar(ada.id)).toBeNull();
    // from the app's own origin it works
    expect((await putAvatar(ada.cookie, png, { headers: { origin: new URL(baseUrl()).origin } })).status).toBe(200);
  });

  it(`refuses the ${LIMITS.avatar.points + 1}th change within a minute with 429 and Retry-After (PUT and DELETE together), for that user alone`, async () => {
    const [ada, bob] = await Promise.all([signedIn(), signedIn()]);
    const png = await pngOf(32, 32);
    for (let i = 0; i < LIMITS.avatar.points; i++) {
      const res = i % 2 ? await request("/api/me/avatar", { method: "DELETE", cookie: ada.cookie }) : await putAvatar(ada.cookie, png);
      expect([i, res.status]).toEqual([i, 200]);
    }
    const before = await storedAvatar(ada.id);
    const refused = await putAvatar(ada.cookie, await pngOf(40, 40));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringContaining(LIMITS.avatar.message) });
    expect(await storedAvatar(ada.id)).toBe(before);
    expect((await putAvatar(bob.cookie, png)).status).toBe(200);
  }, 60_000);
});

describe("GET /api/avatars/:userId", () => {
  it("serves the picture to signed-in people with nosniff, the sandbox, a strong ETag, 304, and a year's caching for the current version only", async () => {
    const [ada, bob] = await Promise.all([signedIn(), signedIn()]);
    const { user } = await (await putAvatar(ada.cookie, await pngOf(300, 300))).json();
    const res = await request(user.avatar, { cookie: bob.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(res.headers.get("content-disposition")).toMatch(/^inline/);
    const etag = res.headers.get("etag")!;
    const { sha256 } = await rowOf(ada.id);
    expect(etag).toBe(`"${sha256}"`);
    const again = await request(user.avatar, { cookie: bob.cookie, headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    // an old or missing version is served, but never cached for good
    for (const path of [`/api/avatars/${ada.id}`, `/api/avatars/${ada.id}?v=0000000000000000`]) {
      const stale = await request(path, { cookie: bob.cookie });
      expect([path, stale.status, stale.headers.get("cache-control")]).toEqual([path, 200, "private, no-cache"]);
    }
    // signed out: 401
    const anonymous = await request(user.avatar);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
  });

  it("answers 404 for someone without a picture, an unknown id and a malformed one; 400 for another parameter", async () => {
    const [ada, bob] = await Promise.all([signedIn(), signedIn()]);
    for (const path of [`/api/avatars/${bob.id}`, `/api/avatars/${crypto.randomUUID()}`, "/api/avatars/not-a-uuid", "/api/avatars/%ED%A0%80x"]) {
      const res = await request(path, { cookie: ada.cookie });
      expect([path, path.includes("%ED") ? [400, 404].includes(res.status) : res.status === 404]).toEqual([path, true]);
      expect(["not_found", "bad_request"]).toContain((await res.json()).error.code);
    }
    const res = await request(`/api/avatars/${bob.id}?size=9999`, { cookie: ada.cookie });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
  });
});

describe("removing a picture", () => {
  it("DELETE /api/me/avatar removes the row and the URL, answers { user }, and the old URL is gone", async () => {
    const ada = await signedIn();
    const { user } = await (await putAvatar(ada.cookie, await pngOf(64, 64))).json();
    const res = await request("/api/me/avatar", { method: "DELETE", cookie: ada.cookie });
    expect(res.status).toBe(200);
    expect((await res.json()).user).toMatchObject({ id: ada.id, avatar: null });
    expect(await rowOf(ada.id)).toBeUndefined();
    expect((await request(user.avatar, { cookie: ada.cookie })).status).toBe(404);
    // again, with nothing to remove: the same answer
    expect((await request("/api/me/avatar", { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
  });

  it("PATCH /api/me with avatar: null removes it too; a URL there is refused", async () => {
    const ada = await signedIn();
    const { user } = await (await putAvatar(ada.cookie, await pngOf(64, 64))).json();
    const refused = await request("/api/me", { method: "PATCH", cookie: ada.cookie, json: { avatar: "https://evil.example/me.png" } });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.fields).toHaveProperty("avatar");
    expect(await storedAvatar(ada.id)).toBe(user.avatar);
    const res = await request("/api/me", { method: "PATCH", cookie: ada.cookie, json: { avatar: null } });
    expect(res.status).toBe(200);
    expect((await res.json()).user.avatar).toBeNull();
    expect(await rowOf(ada.id)).toBeUndefined();
  });

  it("deleting the account deletes the picture", async () => {
    const ada = await signedIn();
    expect((await putAvatar(ada.cookie, await pngOf(64, 64))).status).toBe(200);
    expect(await rowOf(ada.id)).toBeDefined();
    expect((await request("/api/me", { method: "DELETE", cookie: ada.cookie, json: { password: ada.password } })).status).toBe(204);
    expect(await rowOf(ada.id)).toBeUndefined();
  });
});

describe("user:updated", () => {
  it("tells a member of a shared conversation the new URL, then null, and tells nobody else", async () => {
    const [ada, bob, eve] = await Promise.all([signedIn(), signedIn(), signedIn()]);
    expect((await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "group", title: "Pictures", memberIds: [bob.id] } })).status).toBe(201);
    const [bobSocket, eveSocket] = [connectSocket(bob.cookie), connectSocket(eve.cookie)];
    await Promise.all([connected(bobSocket), connected(eveSocket)]);
    const toBob: PublicUser[] = [];
    const toEve: PublicUser[] = [];
    bobSocket.on("user:updated", (u) => toBob.push(u));
    eveSocket.on("user:updated", (u) => toEve.push(u));

    const { user } = await (await putAvatar(ada.cookie, await pngOf(120, 80))).json();
    await waitFor(() => toBob.length === 1);
    expect(toBob[0]).toEqual({ id: ada.id, username: ada.username, displayName: ada.displayName, bio: "", avatar: user.avatar, createdAt: expect.any(String) });
    expect((await request(toBob[0].avatar!, { cookie: bob.cookie })).status).toBe(200);

    expect((await request("/api/me/avatar", { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
    await waitFor(() => toBob.length === 2);
    expect(toBob[1].avatar).toBeNull();
    // removing it again changes nothing: nobody is told
    expect((await request("/api/me/avatar", { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(toBob).toHaveLength(2);
    expect(toEve).toHaveLength(0);
  });
});

async function waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
