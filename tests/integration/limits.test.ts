import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { freePort } from "@/db/embedded";
import { LIMITS, type LimitName } from "@/lib/platform/rate-limit";
import { closeTestSql, createAccount, exhaustedLoopbackAddress, ownLoopbackAddress, request, requestFrom, signIn, testSql, uniqueName, type TestAccount } from "../support/api";
import { callAction } from "../support/authz";
import { multipart, pngOf } from "../support/files";
import { startServerProcess } from "../support/server-process";

afterAll(closeTestSql);

function registration() {
  const username = uniqueName("lim");
  return JSON.stringify({ username, email: `${username}@example.test`, password: "limit me please", displayName: "Limited" });
}

/** Registers from the local address `from`, claiming (in X-Forwarded-For) to be someone else each time. */
function register(from: string) {
  const spoofed = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
  return requestFrom(from, "/api/users", "POST", { "content-type": "application/json", "x-forwarded-for": spoofed }, registration());
}

describe("rate limits", () => {
  it("refuses a 21st registration within the hour from one address, with Retry-After (X-Forwarded-For is not believed)", async () => {
    const from = exhaustedLoopbackAddress();
    for (let i = 0; i < 20; i++) expect((await register(from)).status).toBe(201);
    const res = await register(from);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await res.json()).error).toMatchObject({ code: "rate_limited", retryAfter: expect.any(Number) });
    expect((await register(ownLoopbackAddress())).status).toBe(201); // other addresses are unaffected
  }, 60_000);

  it("behind TRUST_PROXY=1, counts per address the proxy forwarded, not per proxy", async () => {
    const dataDir = path.resolve(__dirname, "../../.data", `proxy-${process.pid}`);
    const node = await startServerProcess(await freePort(), { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: dataDir, TRUST_PROXY: "1" });
    try {
      // what the client wrote into the header (left) is ignored; the proxy's entry (right) counts
      const via = (client: string, claimed: string) =>
        fetch(`${node.url}/api/users`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `${claimed}, ${client}` }, body: registration() });
      for (let i = 0; i < 20; i++) expect((await via("198.51.100.7", `203.0.113.${i}`)).status).toBe(201);
      expect((await via("198.51.100.7", "203.0.113.99")).status).toBe(429);
      expect((await via("198.51.100.8", "203.0.113.99")).status).toBe(201);
    } finally {
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses directory searches past 120 a minute for one user", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++) statuses.push((await request(`/api/users?q=x${i}`, { cookie })).status);
    expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true);
    expect(statuses[120]).toBe(429);
    const other = await createAccount();
    expect((await request("/api/users?q=x", { cookie: await signIn(other.username, other.password) })).status).toBe(200);
  }, 60_000);
});

type User = TestAccount & { cookie: string };
const signedIn = async (): Promise<User> => {
  const acct = await createAccount();
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
};
const SETTINGS = "app/(chat)/settings/actions.ts";

interface Ctx {
  ada: User;
  bob: User;
  carol: User;
  groupId: string;
}

interface RouteRow {
  limit: LimitName;
  /** one call that counts, over HTTP or a server action (it may fail otherwise, but not with 429) */
  call: (c: Ctx, i: number) => Promise<{ status: number; error?: string }>;
  /** calls past the limit that would change something: each must be refused */
  last: (c: Ctx) => Promise<{ status: number; error?: string }>[];
  /** what the refused calls would have changed */
  state: (c: Ctx) => Promise<unknown>;
}

const http = async (path: string, init: Parameters<typeof request>[1]) => {
  const res = await request(path, init);
  const text = await res.text();
  const error = res.status >= 400 ? (JSON.parse(text) as { error: { code: string; message: string; retryAfter?: number } }).error : undefined;
  if (res.status === 429) {
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(error).toMatchObject({ code: "rate_limited", retryAfter: expect.any(Number) });
  }
  return { status: res.status, error: error?.message };
};
const action = async (name: string, fields: Record<string, string>, c: Ctx) => {
  const answer = await callAction("/settings", `${SETTINGS}#${name}`, fields, { cookie: c.ada.cookie });
  const error = answer.result?.error as string | undefined;
  // a form answers with state, not a status: a limit's message there stands for 429
  return { status: Object.values(LIMITS).some((l) => error?.includes(l.message)) ? 429 : answer.status, error };
};
const putPicture = (c: Ctx, png: Buffer) => {
  const { body, contentType } = multipart([{ field: "file", filename: "me.png", type: "image/png", data: png }]);
  return http("/api/me/avatar", { method: "PUT", cookie: c.ada.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
};
const uploadText = async (user: User, text: string) => {
  const { body, contentType } = multipart([{ field: "file", filename: "note.txt", type: "text/plain", data: text }]);
  return request("/api/attachments", { method: "POST", cookie: user.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
};
const members = (c: Ctx) => testSql()`select user_id, role from members where conversation_id = ${c.groupId} order by user_id`;
const account = (c: Ctx) => testSql()`select id, display_name, bio, password_hash from users where id = ${c.ada.id}`;

// prettier-ignore
const ROUTES: Record<string, RouteRow> = {
  "POST /api/conversations (groups and direct together)": { limit: "createConversation",
    call: (c, i) => http("/api/conversations", { method: "POST", cookie: c.ada.cookie, json: i % 2 ? { kind: "direct", userId: c.bob.id } : { kind: "group", title: `G${i}`, memberIds: [c.bob.id] } }),
    last: (c) => [
      http("/api/conversations", { method: "POST", cookie: c.ada.cookie, json: { kind: "direct", userId: c.carol.id } }),
      http("/api/conversations", { method: "POST", cookie: c.ada.cookie, json: { kind: "group", title: "One too many", memberIds: [c.carol.id] } }),
    ],
    state: (c) => testSql()`select id from conversations where created_by = ${c.ada.id} order by id` },
  "PATCH /api/conversations/:id (rename)": { limit: "rename",
    call: (c, i) => http(`/api/conversations/${c.groupId}`, { method: "PATCH", cookie: c.ada.cookie, json: { title: `Title ${i}` } }),
    last: (c) => [http(`/api/conversations/${c.groupId}`, { method: "PATCH", cookie: c.ada.cookie, json: { title: "One too many" } })],
    state: (c) => testSql()`select title from conversations where id = ${c.groupId}` },
  "POST /api/conversations/:id/members": { limit: "addMembers",
    call: (c) => http(`/api/conversations/${c.groupId}/members`, { method: "POST", cookie: c.ada.cookie, json: { userIds: [c.bob.id] } }),
    last: (c) => [http(`/api/conversations/${c.groupId}/members`, { method: "POST", cookie: c.ada.cookie, json: { userIds: [c.carol.id] } })],
    state: members },
  "PATCH /api/conversations/:id/settings (one's notification level)": { limit: "conversationSettings",
    call: (c, i) => http(`/api/conversations/${c.groupId}/settings`, { method: "PATCH", cookie: c.ada.cookie, json: { notifications: i % 2 ? "none" : "mentions" } }),
    last: (c) => [http(`/api/conversations/${c.groupId}/settings`, { method: "PATCH", cookie: c.ada.cookie, json: { notifications: "all" } })],
    state: (c) => testSql()`select user_id, notifications from members where conversation_id = ${c.groupId} order by user_id` },
  "DELETE /api/conversations/:id/members/:userId (remove or leave)": { limit: "removeMember",
    call: (c) => http(`/api/conversations/${c.groupId}/members/${randomUUID()}`, { method: "DELETE", cookie: c.ada.cookie }),
    last: (c) => [
      http(`/api/conversations/${c.groupId}/members/${c.bob.id}`, { method: "DELETE", cookie: c.ada.cookie }),
      http(`/api/conversations/${c.groupId}/members/${c.ada.id}`, { method: "DELETE", cookie: c.ada.cookie }),
    ],
    state: members },
  "PATCH /api/me and the settings form's updateProfile together": { limit: "profile",
    call: (c, i) => (i % 2 ? action("updateProfile", { displayName: `Name ${i}`, bio: "" }, c) : http("/api/me", { method: "PATCH", cookie: c.ada.cookie, json: { bio: `bio ${i}` } })),
    last: (c) => [
      http("/api/me", { method: "PATCH", cookie: c.ada.cookie, json: { displayName: "One too many" } }),
      action("updateProfile", { displayName: "One too many", bio: "x" }, c),
    ],
    state: account },
  "PUT and DELETE /api/me/avatar together": { limit: "avatar",
    call: async (c, i) => (i % 2 ? http("/api/me/avatar", { method: "DELETE", cookie: c.ada.cookie }) : putPicture(c, await pngOf(24, 24))),
    last: (c) => [pngOf(32, 32).then((png) => putPicture(c, png)), http("/api/me/avatar", { method: "DELETE", cookie: c.ada.cookie })],
    state: (c) => testSql()`select u.avatar, a.sha256 from users u left join avatars a on a.user_id = u.id where u.id = ${c.ada.id}` },
  "password change and account deletion (HTTP and forms) together": { limit: "password",
    call: (c, i) =>
      [
        () => http("/api/me/password", { method: "POST", cookie: c.ada.cookie, json: { currentPassword: "not the password", newPassword: "a new password" } }),
        () => http("/api/me", { method: "DELETE", cookie: c.ada.cookie, json: { password: "not the password" } }),
        () => action("changePassword", { currentPassword: "not the password", newPassword: "a new password" }, c),
        () => action("deleteAccount", { password: "not the password" }, c),
      ][i % 4](),
    last: (c) => [
      http("/api/me/password", { method: "POST", cookie: c.ada.cookie, json: { currentPassword: c.ada.password, newPassword: "a new password" } }),
      http("/api/me", { method: "DELETE", cookie: c.ada.cookie, json: { password: c.ada.password } }),
      action("deleteAccount", { password: c.ada.password }, c),
    ],
    state: async (c) => ({ user: await account(c), sessions: await testSql()`select id, revoked_at from sessions where user_id = ${c.ada.id} order by id` }) },
  "DELETE /api/attachments/:id (taking an unsent upload off the composer)": { limit: "uploadDelete",
    // the first call also uploads the file the refused removal will name (an upload is counted apart)
    call: async (c, i) => {
      if (i === 0) expect((await uploadText(c.ada, "keep me")).status).toBe(201);
      return http(`/api/attachments/${randomUUID()}`, { method: "DELETE", cookie: c.ada.cookie });
    },
    last: (c) => [testSql()`select id from attachments where uploader_id = ${c.ada.id}`.then(([row]) => http(`/api/attachments/${row.id}`, { method: "DELETE", cookie: c.ada.cookie }))],
    state: (c) => testSql()`select id from attachments where uploader_id = ${c.ada.id} order by id` },
  "GET /api/me/export": { limit: "export",
    call: (c) => http("/api/me/export", { cookie: c.ada.cookie }),
    last: (c) => [http("/api/me/export", { cookie: c.ada.cookie })],
    state: async () => null },
  // reads that return much: a page of history, the whole conversation list
  "GET /api/conversations/:id/messages": { limit: "history",
    call: (c) => http(`/api/conversations/${c.groupId}/messages?limit=100`, { cookie: c.ada.cookie }),
    last: (c) => [http(`/api/conversations/${c.groupId}/messages?limit=100`, { cookie: c.ada.cookie })],
    state: async () => null },
  "GET /api/users?ids= (public profiles by id)": { limit: "profiles",
    call: (c) => http(`/api/users?ids=${c.bob.id}`, { cookie: c.ada.cookie }),
    last: (c) => [http(`/api/users?ids=${c.bob.id},${c.carol.id}`, { cookie: c.ada.cookie })],
    state: async () => null },
  "GET /api/conversations": { limit: "conversationList",
    call: (c) => http("/api/conversations", { cookie: c.ada.cookie }),
    last: (c) => [http("/api/conversations", { cookie: c.ada.cookie })],
    state: async () => null },
};

describe("per-user limits of state-changing routes and forms", () => {
  it.each(Object.entries(ROUTES))("%s: past the limit, 429 with Retry-After (forms: the limit's message), and nothing changes", async (_name, row) => {
    const [ada, bob, carol] = await Promise.all([signedIn(), signedIn(), signedIn()]);
    const group = await (await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "group", title: "Limits", memberIds: [bob.id] } })).json();
    const c: Ctx = { ada, bob, carol, groupId: group.conversation.id };
    // the group's creation counted already
    const points = LIMITS[row.limit].points - (row.limit === "createConversation" ? 1 : 0);
    for (let i = 0; i < points; i++) {
      const answer = await row.call(c, i);
      expect([i, answer.status]).not.toEqual([i, 429]);
    }
    const before = await row.state(c);
    for (const refused of await Promise.all(row.last(c))) {
      expect(refused.status).toBe(429);
      expect(refused.error).toContain(LIMITS[row.limit].message);
    }
    expect(await row.state(c)).toEqual(before);
    // the limit is the user's own: someone else is not affected
    expect((await http("/api/conversations", { method: "POST", cookie: bob.cookie, json: { kind: "direct", userId: carol.id } })).status).toBe(201);
  }, 120_000);
});

describe("uploads and their removal", () => {
  it("counts removals of unsent uploads apart: 20 uploads and 10 removals leave the 21st upload allowed", async () => {
    const ada = await signedIn();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await uploadText(ada, `file ${i}`);
      expect([i, res.status]).toEqual([i, 201]);
      ids.push((await res.json()).attachment.id);
    }
    for (const id of ids.slice(0, 10)) expect((await request(`/api/attachments/${id}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(204);
    for (let i = 20; i < LIMITS.upload.points; i++) expect((await uploadText(ada, `file ${i}`)).status).toBe(201);
    const over = await uploadText(ada, "one too many");
    expect(over.status).toBe(429);
    expect((await over.json()).error.message).toContain(LIMITS.upload.message);
    // removals are still counted on their own and still allowed
    expect((await request(`/api/attachments/${ids[10]}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(204);
  }, 120_000);
});
