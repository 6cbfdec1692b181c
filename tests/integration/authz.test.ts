/**
 * The authorisation matrix over HTTP: every route handler, page and server action, against every
 * kind of caller that must not get through. Each cell is its own test; a refused cell also proves
 * the answer carries none of the conversation's data and the database did not change.
 * The socket events have their own matrix in tests/realtime/authz.test.ts.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql, createAccount, ownLoopbackAddress, postSignIn, request, requestFrom, signIn, signOut, testSql, uniqueName, type TestAccount } from "../support/api";
import { multipart, pngOf } from "../support/files";
import { callAction, dbState, FORGED_SESSION_COOKIE, expectNoLeak, pageInventory, refusedMethodInventory, routeInventory, serverActions } from "../support/authz";

afterAll(closeTestSql);

/**
 * Who knocks. `signedOut` is a cookie of the owner's own session after sign-out; `removed` was in the
 * group until the owner removed them; `member` is in the group without the owner's role ("another
 * user" for owner-only acts).
 */
type Actor = "anonymous" | "forged" | "signedOut" | "stranger" | "removed" | "member";
/**
 * A status: refused with it, the documented error shape and nothing changed.
 * "login": a page that sends to /login. "hidden": answered, but without the group's data.
 * "public": open by design, and answered without anyone else's secrets.
 * An actor left out of a row may do what the row does (a member reading their group, say).
 */
type Cell = 401 | 403 | 404 | "login" | "hidden" | "public";
type Cells = Partial<Record<Actor, Cell>>;

interface Fixture {
  owner: TestAccount & { cookie: string };
  member: TestAccount & { cookie: string };
  removed: TestAccount & { cookie: string };
  stranger: TestAccount & { cookie: string };
  signedOutCookie: string;
  groupId: string;
  title: string;
  bodies: string[];
  /** an image the owner uploaded and has not sent: theirs alone */
  attachmentId: string;
  /** the owner's picture's URL (PublicUser avatar) */
  ownerAvatar: string;
  /** a picture to set, as a multipart body */
  avatarUpload: { body: Buffer; contentType: string };
}

interface Row {
  /** "METHOD /path" as the app's folders spell it: the inventory check matches on this */
  endpoint: string;
  cells: Cells;
  /** the URL to call; by default the endpoint's path with [id] = the group, [userId] = the owner, [username] = the owner */
  path?: (f: Fixture, actor: Actor) => string;
  body?: (f: Fixture, actor: Actor) => unknown;
  /** how to call it, when a plain request with the actor's cookie will not do */
  call?: (f: Fixture, actor: Actor) => Promise<Response>;
  /** more that must hold of an answer that is not a refusal */
  check?: (res: Response, text: string, f: Fixture) => void | Promise<void>;
}

const UNAUTHENTICATED = { anonymous: 401, forged: 401, signedOut: 401 } as const;
const TO_LOGIN = { anonymous: "login", forged: "login", signedOut: "login" } as const;

// prettier-ignore
const ROUTES: Row[] = [
  { endpoint: "GET /api/auth/[...nextauth]", cells: { anonymous: "public", forged: "public", signedOut: "public" },
    path: () => "/api/auth/session", check: (_res, text) => expect(JSON.parse(text)).toEqual({}) },
  { endpoint: "POST /api/auth/[...nextauth]", cells: { anonymous: "public" },
    call: async () => (await postSignIn(uniqueName("nobody"), "not the password")).res,
    check: (res) => {
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie().join()).not.toContain("session-token");
    } },
  // next-auth's route refuses the methods it does not use, for everyone alike (lib/http/next-auth-guard.ts)
  ...["PUT", "PATCH", "DELETE"].map((method): Row => ({ endpoint: `${method} /api/auth/[...nextauth]`, cells: { anonymous: "public", member: "public" },
    path: () => "/api/auth/session", check: (res, text) => {
      expect(res.status).toBe(405);
      expect(JSON.parse(text).error.code).toBe("method_not_allowed");
    } })),
  // every other method of an API route: 405 in the error shape for everyone alike (otherMethods, lib/http/route.ts)
  ...refusedMethodInventory().map((endpoint): Row => ({ endpoint, cells: { anonymous: "public", member: "public" },
    check: (res, text) => {
      expect(res.status).toBe(405);
      expect(JSON.parse(text).error.code).toBe("method_not_allowed");
      expect(res.headers.get("allow")).toMatch(/^(GET|POST|PUT|PATCH|DELETE)/);
    } })),
  { endpoint: "GET /api/conversations", cells: { ...UNAUTHENTICATED, stranger: "hidden", removed: "hidden" } },
  { endpoint: "POST /api/conversations", cells: UNAUTHENTICATED,
    body: (f) => ({ kind: "group", title: "Walk-in", memberIds: [f.owner.id] }) },
  { endpoint: "GET /api/conversations/[id]", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404 } },
  { endpoint: "PATCH /api/conversations/[id]", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404, member: 403 },
    body: () => ({ title: "Taken over" }) },
  { endpoint: "POST /api/conversations/[id]/members", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404, member: 403 },
    // strangers and the removed try to let themselves in; a plain member tries to bring a stranger
    body: (f, actor) => ({ userIds: [actor === "removed" ? f.removed.id : f.stranger.id] }) },
  { endpoint: "DELETE /api/conversations/[id]/members/[userId]", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404, member: 403 } },
  // one's own notification level: any member may set theirs; nobody else learns the group exists
  { endpoint: "PATCH /api/conversations/[id]/settings", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404 },
    body: () => ({ notifications: "none" }) },
  { endpoint: "GET /api/conversations/[id]/messages", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404 } },
  { endpoint: "POST /api/conversations/[id]/messages", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404 },
    body: () => ({ clientId: randomUUID(), body: "let me in" }) },
  { endpoint: "GET /api/conversations/[id]/pins", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404 } },
  { endpoint: "GET /api/health", cells: { anonymous: "public", forged: "public" },
    check: (res, text) => {
      expect(res.status).toBe(200);
      expect(JSON.parse(text)).toEqual({ ok: true, db: "up" });
    } },
  { endpoint: "GET /api/me", cells: UNAUTHENTICATED },
  { endpoint: "PATCH /api/me", cells: UNAUTHENTICATED, body: () => ({ displayName: "Hijacked", bio: "pwned" }) },
  { endpoint: "DELETE /api/me", cells: UNAUTHENTICATED, body: (f) => ({ password: f.owner.password }) },
  { endpoint: "GET /api/me/export", cells: { ...UNAUTHENTICATED, stranger: "hidden", removed: "hidden" } },
  // one's own picture: only a live session sets or removes it (the body is refused before it is read)
  { endpoint: "PUT /api/me/avatar", cells: UNAUTHENTICATED,
    call: (f, actor) => {
      const { body, contentType } = f.avatarUpload;
      return request("/api/me/avatar", { method: "PUT", cookie: cookieOf(actor), body: new Uint8Array(body), headers: { "content-type": contentType } });
    } },
  { endpoint: "DELETE /api/me/avatar", cells: UNAUTHENTICATED },
  // a picture is as public as the profile that names it: any signed-in person, nobody else
  { endpoint: "GET /api/avatars/[userId]", cells: { ...UNAUTHENTICATED, stranger: "public", removed: "public" }, path: (f) => f.ownerAvatar,
    check: (res) => {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
    } },
  { endpoint: "POST /api/me/password", cells: UNAUTHENTICATED,
    body: (f) => ({ currentPassword: f.owner.password, newPassword: "attacker chosen" }) },
  { endpoint: "POST /api/users", cells: { anonymous: "public" }, call: () => register(),
    check: (res) => expect(res.status).toBe(201) },
  { endpoint: "POST /api/attachments", cells: { ...UNAUTHENTICATED } },
  { endpoint: "GET /api/attachments/[id]", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404, member: 404 }, path: (f) => `/api/attachments/${f.attachmentId}` },
  { endpoint: "DELETE /api/attachments/[id]", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404, member: 404 }, path: (f) => `/api/attachments/${f.attachmentId}` },
  { endpoint: "GET /api/attachments/[id]/thumbnail", cells: { ...UNAUTHENTICATED, stranger: 404, removed: 404, member: 404 }, path: (f) => `/api/attachments/${f.attachmentId}/thumbnail` },
  { endpoint: "GET /api/search", cells: { ...UNAUTHENTICATED, stranger: "hidden", removed: "hidden" }, path: () => "/api/search?q=secret",
    check: (_res, text) => expect(JSON.parse(text)).toEqual({ results: [], nextCursor: null }) },
  { endpoint: "GET /api/users", cells: { ...UNAUTHENTICATED, stranger: "public" }, path: (f) => `/api/users?q=${f.owner.username}`,
    check: async (res, text, f) => expect(JSON.parse(text).users.map((u: { id: string }) => u.id)).toEqual([f.owner.id]) },
  { endpoint: "GET /api/users/[username]", cells: { ...UNAUTHENTICATED, stranger: "public" },
    check: (_res, text, f) => expect(Object.keys(JSON.parse(text).user).sort()).toEqual(["avatar", "bio", "createdAt", "displayName", "id", "username"]) },
];

// prettier-ignore
const PAGES: Row[] = [
  { endpoint: "GET /", cells: TO_LOGIN },
  { endpoint: "GET /c/[id]", cells: { ...TO_LOGIN, stranger: "hidden", removed: "hidden" } },
  { endpoint: "GET /people", cells: TO_LOGIN },
  { endpoint: "GET /settings", cells: TO_LOGIN },
  { endpoint: "GET /u/[username]", cells: { ...TO_LOGIN, stranger: "public" } },
  { endpoint: "GET /login", cells: { anonymous: "public" } },
  { endpoint: "GET /register", cells: { anonymous: "public" } },
];

type ActionCell = "refused" | "public";
interface ActionRow {
  /** "file#export", as the build's server-reference manifest names it */
  action: string;
  page: string;
  cells: Partial<Record<"anonymous" | "forged" | "signedOut", ActionCell>>;
  fields: (f: Fixture) => Record<string, string>;
}
const SETTINGS = "app/(chat)/settings/actions.ts";
const REFUSED_WITHOUT_SESSION = { anonymous: "refused", forged: "refused", signedOut: "refused" } as const;

// prettier-ignore
const ACTIONS: ActionRow[] = [
  { action: "app/(auth)/register/actions.ts#register", page: "/register", cells: { anonymous: "public" },
    fields: () => {
      const username = uniqueName("walkin");
      return { username, email: `${username}@example.test`, password: "correct horse battery", displayName: "Walk In" };
    } },
  { action: `${SETTINGS}#updateProfile`, page: "/settings", cells: REFUSED_WITHOUT_SESSION,
    fields: () => ({ displayName: "Hijacked", bio: "pwned" }) },
  { action: `${SETTINGS}#changePassword`, page: "/settings", cells: REFUSED_WITHOUT_SESSION,
    fields: (f) => ({ currentPassword: f.owner.password, newPassword: "attacker chosen" }) },
  { action: `${SETTINGS}#deleteAccount`, page: "/settings", cells: REFUSED_WITHOUT_SESSION,
    fields: (f) => ({ password: f.owner.password }) },
];

/** Registration is open: from an address of its own (registration is limited per address). */
function register(): Promise<Response> {
  const username = uniqueName("walkin");
  const body = JSON.stringify({ username, email: `${username}@example.test`, password: "correct horse battery", displayName: "Walk In" });
  return requestFrom(ownLoopbackAddress(), "/api/users", "POST", { "content-type": "application/json" }, body);
}

let f: Fixture;

async function signedIn(acct: TestAccount) {
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
}

beforeAll(async () => {
  const [owner, member, removed, stranger] = await Promise.all([1, 2, 3, 4].map(async () => signedIn(await createAccount())));
  const signedOutCookie = await signIn(owner.username, owner.password);
  expect((await signOut(signedOutCookie)).status).toBe(200);
  const title = `Secret plans ${uniqueName("t")}`;
  const res = await request("/api/conversations", { method: "POST", cookie: owner.cookie, json: { kind: "group", title, memberIds: [member.id, removed.id] } });
  const groupId = (await res.json()).conversation.id as string;
  const bodies = [`owner secret ${uniqueName("b")}`, `member secret ${uniqueName("b")}`];
  for (const [who, body] of [
    [owner, bodies[0]],
    [member, bodies[1]],
    [removed, "said while still a member"],
  ] as const) {
    const sent = await request(`/api/conversations/${groupId}/messages`, { method: "POST", cookie: who.cookie, json: { clientId: randomUUID(), body } });
    expect(sent.status).toBe(201);
  }
  expect((await request(`/api/conversations/${groupId}/members/${removed.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(200);
  const { body, contentType } = multipart([{ field: "file", filename: "secret-plan.png", type: "image/png", data: await pngOf(64, 48) }]);
  const uploaded = await request("/api/attachments", { method: "POST", cookie: owner.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
  expect(uploaded.status).toBe(201);
  const attachmentId = (await uploaded.json()).attachment.id as string;
  const avatarUpload = multipart([{ field: "file", filename: "me.png", type: "image/png", data: await pngOf(48, 48) }]);
  const pictured = await request("/api/me/avatar", { method: "PUT", cookie: owner.cookie, body: new Uint8Array(avatarUpload.body), headers: { "content-type": avatarUpload.contentType } });
  expect(pictured.status).toBe(200);
  const ownerAvatar = (await pictured.json()).user.avatar as string;
  f = { owner, member, removed, stranger, signedOutCookie, groupId, title, bodies, attachmentId, ownerAvatar, avatarUpload };
});

function cookieOf(actor: Actor): string {
  switch (actor) {
    case "anonymous":
      return "";
    case "forged":
      return FORGED_SESSION_COOKIE;
    case "signedOut":
      return f.signedOutCookie;
    default:
      return f[actor].cookie;
  }
}

const fixtureUserIds = () => [f.owner.id, f.member.id, f.removed.id, f.stranger.id];

/** The group's title, the others' messages and everyone else's email: none may reach this caller. */
function secretsFor(actor: Actor): string[] {
  const self = actor === "stranger" || actor === "removed" || actor === "member" ? f[actor] : undefined;
  const emails = [f.owner, f.member, f.removed, f.stranger].filter((a) => a !== self).map((a) => a.email);
  return [f.title, ...f.bodies, ...emails];
}

function pathOf(row: Row, actor: Actor): string {
  if (row.path) return row.path(f, actor);
  return row.endpoint
    .split(" ")[1]
    .replace("[id]", f.groupId)
    .replace("[userId]", f.owner.id)
    .replace("[username]", f.owner.username);
}

const cellsOf = (rows: Row[]) => rows.flatMap((row) => Object.entries(row.cells).map(([actor, cell]) => [row.endpoint, actor as Actor, cell, row] as const));

describe("route handlers", () => {
  it.each(cellsOf(ROUTES))("%s as %s → %s", async (endpoint, actor, cell, row) => {
    const before = await dbState(fixtureUserIds());
    const method = endpoint.split(" ")[0];
    const json = row.body?.(f, actor);
    const res = row.call
      ? await row.call(f, actor)
      : await request(pathOf(row, actor), { method, cookie: cookieOf(actor), json: json ?? (method === "GET" ? undefined : {}) });
    const text = await res.text();

    if (typeof cell === "number") {
      expect(res.status).toBe(cell);
      const code = { 401: "unauthorized", 403: "forbidden", 404: "not_found" }[cell];
      expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } });
    } else if (cell === "hidden") {
      expect(res.status).toBe(200);
    } else {
      expect(res.status).toBeLessThan(500);
    }
    if (typeof cell !== "number") await row.check?.(res, text, f);
    expectNoLeak(text, secretsFor(actor));
    expect(await dbState(fixtureUserIds())).toEqual(before);
  });

});

describe("pages", () => {
  it.each(cellsOf(PAGES))("%s as %s → %s", async (endpoint, actor, cell, row) => {
    const before = await dbState(fixtureUserIds());
    const res = await request(pathOf(row, actor), { cookie: cookieOf(actor) });
    const text = await res.text();
    if (cell === "login") {
      expect(res.status).toBe(307);
      expect(res.headers.get("location")).toMatch(/\/login$/);
    } else {
      expect(res.status).toBe(200);
    }
    expectNoLeak(text, secretsFor(actor));
    expect(await dbState(fixtureUserIds())).toEqual(before);
  });
});

describe("server actions", () => {
  const cells = ACTIONS.flatMap((row) => Object.entries(row.cells).map(([actor, cell]) => [row.action, actor as Actor, cell, row] as const));

  it.each(cells)("%s as %s → %s", async (_action, actor, cell, row) => {
    const before = await dbState(fixtureUserIds());
    const fields = row.fields(f);
    const cookie = cookieOf(actor);
    // each call from an address of its own: registration is limited per address
    const answer = await callAction(row.page, row.action, fields, { cookie, from: ownLoopbackAddress() });
    if (cell === "refused") {
      expect(answer.status).toBe(200);
      expect(answer.result).toEqual({ error: "Your session has ended. Sign in again.", values: expect.any(Object) });
      expect(answer.headers.getSetCookie().join()).not.toContain("session-token");
    } else {
      expect(answer.status).toBeLessThan(400);
      expect(await testSql()`select id from users where username = ${fields.username}`).toHaveLength(1);
    }
    expectNoLeak(answer.text, secretsFor(actor));
    expect(await dbState(fixtureUserIds())).toEqual(before);
  });

  it("carries out the same call for a live session (so the refusals above are about the session)", async () => {
    const answer = await callAction("/settings", `${SETTINGS}#updateProfile`, { displayName: "Stranger", bio: "set by an action" }, { cookie: f.stranger.cookie });
    expect(answer.result).toMatchObject({ success: "Profile saved" });
    expect((await testSql()`select bio from users where id = ${f.stranger.id}`)[0].bio).toBe("set by an action");
  });
});

describe("the matrix covers the whole surface", () => {
  it("has a row for every route handler and method in app/api", () => {
    expect(ROUTES.map((r) => r.endpoint).sort()).toEqual(routeInventory());
  });

  it("has a row for every page", () => {
    expect(PAGES.map((r) => r.endpoint.replace(/^GET /, "")).sort()).toEqual(pageInventory());
  });

  it("has a row for every server action in the build", () => {
    expect(ACTIONS.map((r) => r.action).sort()).toEqual(serverActions().map((a) => a.key).sort());
  });
});
