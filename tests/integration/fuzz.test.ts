/**
 * Property-based fuzzing of every route handler and socket event with random and boundary payloads:
 * wrong types, huge strings, deep objects, unicode edge cases, prototype-pollution keys. Whatever
 * arrives, the answer is a documented status and error shape, the server stays up, and refused
 * requests leave the database as it was.
 */
import fc from "fast-check";
import { randomUUID } from "node:crypto";
import { SOCKET_BUDGET } from "@/lib/limiter";
import { closeTestSql, createAccount, request, signIn, testSql } from "../support/api";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

jest.setTimeout(120_000);
afterAll(async () => {
  closeAllSockets();
  await closeTestSql();
});

const DOCUMENTED = [200, 201, 204, 400, 401, 403, 404, 409, 413, 429];
const CODES = ["bad_request", "unauthorized", "forbidden", "not_found", "conflict", "payload_too_large", "rate_limited"];

const edgeStrings = fc.constantFrom("", " ", "\u0000", "\u202e\u202d", "💥".repeat(2000), "a".repeat(70_000), "'; drop table users; --", "<script>alert(1)</script>", "𝒜\u0301", "\ud800", "null", "NaN", "-1", "1e309");
const pollution = fc.constantFrom({ ["__proto__"]: { admin: true } }, JSON.parse('{"__proto__":{"polluted":1}}'), { constructor: { prototype: { polluted: 1 } } });
const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: false }) },
  { weight: 2, arbitrary: edgeStrings },
  { weight: 1, arbitrary: pollution },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer() },
);
/** A body: sometimes an object with the route's real field names holding hostile values. */
const bodyFor = (fields: string[]) =>
  fc.oneof(hostile, fc.dictionary(fc.constantFrom(...fields, "__proto__", "constructor", "isAdmin"), hostile, { maxKeys: fields.length + 2 }));

async function fingerprint(userId: string, conversationId: string) {
  const sql = testSql();
  const [u] = await sql`select username, email, display_name, bio, password_hash, updated_at from users where id = ${userId}`;
  const [c] = await sql`select title, last_seq from conversations where id = ${conversationId}`;
  const m = await sql`select user_id, role, last_read_seq from members where conversation_id = ${conversationId} order by user_id`;
  const msgs = await sql`select id, body, rev from messages where conversation_id = ${conversationId} order by seq`;
  const sessions = await sql`select id, revoked_at from sessions where user_id = ${userId} order by id`;
  return JSON.stringify({ u, c, m, msgs, sessions });
}

/** encodeURIComponent, except that a lone surrogate goes out as its raw (invalid UTF-8) bytes. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80";
  }
};

function toJsonBody(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return "{}";
  }
}

describe("fuzzing", () => {
  it("route handlers answer hostile bodies and queries with documented errors and change nothing", async () => {
    const acct = await createAccount();
    const friend = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const group = (await (await request("/api/conversations", { method: "POST", cookie, json: { kind: "group", title: "Fuzz", memberIds: [friend.id] } })).json()).conversation;
    const routes: [string, string, string[]][] = [
      ["POST", "/api/users", ["username", "email", "password", "displayName"]],
      ["PATCH", "/api/me", ["displayName", "bio", "avatar"]],
      ["POST", "/api/me/password", ["currentPassword", "newPassword"]],
      ["DELETE", "/api/me", ["password"]],
      ["POST", "/api/conversations", ["kind", "userId", "title", "memberIds"]],
      ["PATCH", `/api/conversations/${group.id}`, ["title"]],
      ["POST", `/api/conversations/${group.id}/members`, ["userIds"]],
      ["POST", `/api/conversations/${group.id}/messages`, ["clientId", "body"]],
    ];
    for (const [method, path, fields] of routes) {
      await fc.assert(
        fc.asyncProperty(bodyFor(fields), async (body) => {
          const before = await fingerprint(acct.id, group.id);
          const res = await request(path, { method, cookie, body: toJsonBody(body), headers: { "content-type": "application/json" } });
          expect(DOCUMENTED).toContain(res.status);
          if (res.status >= 400) {
            const json = await res.json();
            expect(CODES).toContain(json.error.code);
            expect(typeof json.error.message).toBe("string");
            expect(await fingerprint(acct.id, group.id)).toBe(before);
          }
        }),
        { numRuns: 60 },
      );
    }
    // queries
    // (URLs are capped: Node itself answers 431 for request heads over 16 KB, before any handler runs)
    const param = fc.oneof(edgeStrings.map((v) => v.slice(0, 1500)), fc.string({ maxLength: 40 }), fc.integer().map(String));
    await fc.assert(
      fc.asyncProperty(param, param, param, async (a, b, c) => {
        for (const path of [
          `/api/conversations/${group.id}/messages?before=${enc(a)}&after=${enc(b)}&limit=${enc(c)}`,
          `/api/users?q=${enc(a.slice(0, 200))}&cursor=${enc(b.slice(0, 300))}&limit=${enc(c)}`,
          `/api/users/${enc(a.slice(0, 200)) || "x"}`,
          `/api/conversations/${enc(b.slice(0, 200)) || "x"}`,
        ]) {
          const res = await request(path, { cookie });
          expect([path, DOCUMENTED.includes(res.status)]).toEqual([path, true]);
        }
      }),
      { numRuns: 25 },
    );
    // a path that is not valid UTF-8 (found by this fuzzer) is a 400 in the error shape, not a 500
    for (const path of ["/api/conversations/%ED%A0%80", "/u/%C0%AF", "/api/users/%FF"]) {
      const res = await request(path, { cookie });
      expect([path, res.status]).toEqual([path, 400]);
      expect((await res.json()).error.code).toBe("bad_request");
    }
    // NUL characters, which PostgreSQL text cannot hold (found by this fuzzer), are refused with 400
    expect((await request("/api/users?q=%00", { cookie })).status).toBe(400);
    expect((await request("/api/me", { method: "PATCH", cookie, json: { bio: "a\u0000b" } })).status).toBe(400);
    expect((await request(`/api/conversations/${group.id}/messages`, { method: "POST", cookie, json: { clientId: randomUUID(), body: "a\u0000b" } })).status).toBe(400);
    // still the same user, with no polluted fields
    const me = await (await request("/api/me", { cookie })).json();
    expect(Object.keys(me.user).sort()).toEqual(["avatar", "bio", "createdAt", "displayName", "email", "id", "username"]);
  });

  it("socket events answer hostile payloads with ok:false and keep the connection", async () => {
    const acct = await createAccount();
    const friend = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const group = (await (await request("/api/conversations", { method: "POST", cookie, json: { kind: "group", title: "Fuzz", memberIds: [friend.id] } })).json()).conversation;
    const socket = connectSocket(cookie);
    await connected(socket);
    const raw = socket as unknown as { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<{ ok: boolean; error?: { code: string } }> } };
    const events: [string, string[]][] = [
      ["message:send", ["conversationId", "clientId", "body"]],
      ["message:edit", ["messageId", "body"]],
      ["message:delete", ["messageId"]],
      ["sync", ["since"]],
      ["conversation:read", ["conversationId", "seq"]],
      ["typing", ["conversationId", "typing"]],
    ];
    const eventName = fc.oneof(fc.constantFrom(...events.map(([e]) => e)), fc.string({ maxLength: 30 }).filter((s) => s.length > 0 && !["connect", "disconnect", "connect_error", "disconnecting", "newListener", "removeListener"].includes(s)));
    await fc.assert(
      // Payloads stay under 60 KB here to keep the run quick; 1 MB and over-limit packets are covered in tests/realtime/messaging.test.ts.
      fc.asyncProperty(eventName, bodyFor(["conversationId", "clientId", "body", "messageId", "since", "seq", "typing"]).filter((p) => toJsonBody(p).length < 60_000), async (event, payload) => {
        const before = await fingerprint(acct.id, group.id);
        // within the socket's event budget, so that every payload reaches its handler
        await new Promise((r) => setTimeout(r, 1000 / SOCKET_BUDGET.perSecond));
        const res = await raw.timeout(5000).emitWithAck(event, payload);
        if (!res.ok) {
          expect(CODES).toContain(res.error!.code);
          expect(await fingerprint(acct.id, group.id)).toBe(before);
        }
        expect(socket.connected).toBe(true);
      }),
      { numRuns: 150 },
    );
    // a valid send still works afterwards
    const ok = await socket.timeout(5000).emitWithAck("message:send", { conversationId: group.id, clientId: randomUUID(), body: "still fine" });
    expect(ok).toMatchObject({ ok: true });
  });
});
