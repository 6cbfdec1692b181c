/**
 * Impersonation through names (DESIGN Text rules): display names and group titles with bidi
 * overrides, invisible-only text, control characters or a label the interface uses are refused on
 * every way in (JSON API and server actions), with a message for the field; a lone surrogate in any
 * text field is a 400 `bad_request` over HTTP and `ok: false` over the socket — never a 500, never stored.
 */
import { randomUUID } from "node:crypto";
import { callAction } from "../support/authz";
import { closeTestSql, createAccount, ownLoopbackAddress, request, requestFrom, signIn, testSql, uniqueName } from "../support/api";
import { chatUser, createGroup, send } from "../support/chat";
import { closeAllSockets } from "../support/sockets";

afterAll(async () => {
  closeAllSockets();
  await closeTestSql();
});

/** Names that must be refused, each with the words its field message must hold. */
const BAD_NAMES: Array<[string, string, RegExp]> = [
  ["a right-to-left override", "\u202eevE", /text-direction/],
  ["a left-to-right isolate", "Ada\u2066 Admin", /text-direction/],
  ["zero-width characters only", "\u200b\u200c\u200d\u2060", /visible character/],
  ["Hangul fillers only", "\u3164\u115f\u1160\uffa0", /visible character/],
  ["a braille blank", " \u2800 ", /visible character/],
  ["U+0085 NEXT LINE", "Ada\u0085Lovelace", /control characters/],
  ["a line break", "Ada\nLovelace", /control characters/],
  ["a paragraph separator (U+2029 ends bidi isolation)", "Team\u2029Deleted user", /control characters or line breaks/],
  ["a right-to-left mark", "abc\u200f", /text-direction/],
  ["combining marks only", "\u0301\u0301", /visible character/],
  ["a private-use character", "\ue000", /private-use/],
  ["interlinear annotation characters", "\ufff9x\ufffb", /annotation/],
];
/** Display names that read as a label the interface shows in place of a person. */
const RESERVED: Array<[string, string]> = [
  ["another letter case", "DELETED USER"],
  ["a zero-width joiner", "Deleted\u200d user"],
  ["a Cyrillic look-alike", "Dеleted User"],
  ["fullwidth letters", "Ｙｏｕ"],
  ["a UI label other than Deleted user", "former member"],
  ["Latin small capitals", "ʏᴏᴜ"],
  ["Cherokee letters", "ᎠEᏞETED USER"],
  ["an Armenian look-alike", "Yօu"],
  ["a combining dot below", "You\u0323"],
  ["trailing punctuation", "You."],
];

/** A raw JSON body: JSON.stringify writes a lone surrogate as the escape "\ud83d", as a hostile client would. */
const json = (value: unknown) => ({ body: JSON.stringify(value), headers: { "content-type": "application/json" } });

function registration(displayName: string) {
  const username = uniqueName("nm");
  return { username, email: `${username}@example.test`, password: "a good password", displayName };
}

async function register(body: Record<string, string>) {
  return requestFrom(ownLoopbackAddress(), "/api/users", "POST", { "content-type": "application/json" }, JSON.stringify(body));
}

async function userCount(username: string): Promise<number> {
  return (await testSql()`select count(*)::int as n from users where username = ${username}`)[0].n;
}

describe("display names at registration (POST /api/users)", () => {
  it.each(BAD_NAMES)("refuses %s with a message for displayName, and creates nothing", async (_what, displayName, message) => {
    const body = registration(displayName);
    const res = await register(body);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    expect(error.fields.displayName).toMatch(message);
    expect(await userCount(body.username)).toBe(0);
  });

  it.each(RESERVED)("refuses a reserved name written with %s", async (_what, displayName) => {
    const body = registration(displayName);
    const res = await register(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.fields).toEqual({ displayName: "That name is reserved" });
    expect(await userCount(body.username)).toBe(0);
  });

  it("stores names NFC-normalised, and keeps emoji with joiners", async () => {
    const res = await register(registration("Jose\u0301 👩‍💻"));
    expect(res.status).toBe(201);
    const { user } = await res.json();
    expect(user.displayName).toBe("Jos\u00e9 👩‍💻");
    expect((await testSql()`select display_name from users where id = ${user.id}`)[0].display_name).toBe("Jos\u00e9 👩‍💻");
  });

  it("answers a lone surrogate in any field with 400 bad_request", async () => {
    const body = registration("Ada \ud83d");
    const res = await requestFrom(ownLoopbackAddress(), "/api/users", "POST", { "content-type": "application/json" }, JSON.stringify(body));
    expect(JSON.stringify(body)).toContain("\\ud83d");
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    expect(error.fields.displayName).toMatch(/well-formed/);
    expect(await userCount(body.username)).toBe(0);
  });
});

describe("display names through the /register form (server action)", () => {
  it("refuses a bidi override and a reserved name with the field's message, and creates nothing", async () => {
    for (const [displayName, message] of [
      ["\u202eevE", /text-direction/],
      ["Deleted\u200b User", /That name is reserved/],
    ] as const) {
      const body = registration(displayName);
      const answer = await callAction("/register", "app/(auth)/register/actions.ts#register", body, { from: ownLoopbackAddress() });
      expect(answer.status).toBe(200);
      expect((answer.result?.fields as Record<string, string>).displayName).toMatch(message);
      expect(await userCount(body.username)).toBe(0);
    }
  });
});

describe("profile edits", () => {
  it("PATCH /api/me refuses each bad or reserved name with a field message and keeps the old name", async () => {
    const acct = await createAccount({ displayName: "Plain Name" });
    const cookie = await signIn(acct.username, acct.password);
    for (const [, displayName, message] of [...BAD_NAMES, ...RESERVED.map(([w, n]) => [w, n, /^That name is reserved$/] as const)]) {
      const res = await request("/api/me", { method: "PATCH", cookie, json: { displayName } });
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe("bad_request");
      expect(error.fields.displayName).toMatch(message);
    }
    expect((await testSql()`select display_name from users where id = ${acct.id}`)[0].display_name).toBe("Plain Name");
  });

  it("PATCH /api/me answers a lone surrogate in the bio or the name with 400 bad_request and stores nothing", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    for (const body of [{ bio: "hello \ud83d" }, { bio: "\ude00" }, { displayName: "Ada\ud83d" }]) {
      const res = await request("/api/me", { method: "PATCH", cookie, ...json(body) });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("bad_request");
    }
    expect((await testSql()`select bio, display_name from users where id = ${acct.id}`)[0]).toEqual({ bio: "", display_name: acct.displayName });
  });

  it("the settings form (server action) refuses a Hangul-filler name and a reserved one", async () => {
    const acct = await createAccount({ displayName: "Settled Name" });
    const cookie = await signIn(acct.username, acct.password);
    for (const [displayName, message] of [
      ["\u3164", /visible character/],
      ["you", /That name is reserved/],
    ] as const) {
      const answer = await callAction("/settings", "app/(chat)/settings/actions.ts#updateProfile", { displayName, bio: "" }, { cookie });
      expect(answer.status).toBe(200);
      expect((answer.result?.fields as Record<string, string>).displayName).toMatch(message);
    }
    expect((await testSql()`select display_name from users where id = ${acct.id}`)[0].display_name).toBe("Settled Name");
  });
});

describe("group titles", () => {
  it("refuses each bad title at creation and at rename, with a message for title", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const cookie = await signIn(owner.username, owner.password);
    const created = await request("/api/conversations", { method: "POST", cookie, json: { kind: "group", title: "Fine title", memberIds: [other.id] } });
    expect(created.status).toBe(201);
    const { conversation } = await created.json();

    for (const [, title, message] of BAD_NAMES) {
      const create = await request("/api/conversations", { method: "POST", cookie, json: { kind: "group", title, memberIds: [other.id] } });
      expect(create.status).toBe(400);
      expect((await create.json()).error.fields.title).toMatch(message);
      const rename = await request(`/api/conversations/${conversation.id}`, { method: "PATCH", cookie, json: { title } });
      expect(rename.status).toBe(400);
      expect((await rename.json()).error.fields.title).toMatch(message);
    }
    const lone = await request(`/api/conversations/${conversation.id}`, { method: "PATCH", cookie, ...json({ title: "Team \ud83d" }) });
    expect(lone.status).toBe(400);
    expect((await lone.json()).error.code).toBe("bad_request");
    const loneCreate = await request("/api/conversations", { method: "POST", cookie, ...json({ kind: "group", title: "\udc00", memberIds: [other.id] }) });
    expect(loneCreate.status).toBe(400);
    expect((await loneCreate.json()).error.code).toBe("bad_request");

    expect((await testSql()`select title from conversations where id = ${conversation.id}`)[0].title).toBe("Fine title");
    expect((await testSql()`select count(*)::int as n from conversations where created_by = ${owner.id}`)[0].n).toBe(1);
  });

  it("keeps titles in other scripts, with emoji, and look-alikes of UI labels (titles are not reserved)", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const cookie = await signIn(owner.username, owner.password);
    for (const title of ["李小龍 👩‍👩‍👧‍👦", "محمد ודוד", "Zoë Ñandú", "ʏᴏᴜ"]) {
      const res = await request("/api/conversations", { method: "POST", cookie, json: { kind: "group", title, memberIds: [other.id] } });
      expect(res.status).toBe(201);
      expect((await res.json()).conversation.title).toBe(title);
    }
  });

  it("stores a renamed title NFC-normalised", async () => {
    const owner = await createAccount();
    const other = await createAccount();
    const cookie = await signIn(owner.username, owner.password);
    const { conversation } = await (await request("/api/conversations", { method: "POST", cookie, json: { kind: "group", title: "x", memberIds: [other.id] } })).json();
    const res = await request(`/api/conversations/${conversation.id}`, { method: "PATCH", cookie, json: { title: "Cafe\u0301" } });
    expect(res.status).toBe(200);
    expect((await res.json()).conversation.title).toBe("Caf\u00e9");
  });
});

describe("messages with a lone surrogate", () => {
  it("are refused over HTTP (400 bad_request) and over the socket (ok: false, bad_request), and nothing is stored", async () => {
    const ada = await chatUser();
    const bob = await chatUser();
    const group = await createGroup(ada, "Surrogates", [bob]);

    const http = await request(`/api/conversations/${group.id}/messages`, { method: "POST", cookie: ada.cookie, ...json({ clientId: randomUUID(), body: "\ud83d" }) });
    expect(http.status).toBe(400);
    expect((await http.json()).error.code).toBe("bad_request");

    const ack = await send(ada, group.id, "half an emoji: \ud83d");
    expect(ack).toEqual({ ok: false, error: { code: "bad_request", message: expect.any(String) } });
    const editTarget = await send(ada, group.id, "fine");
    expect(editTarget.ok).toBe(true);
    const edit = await ada.socket.timeout(10_000).emitWithAck("message:edit", { messageId: (editTarget as { message: { id: string } }).message.id, body: "\ude00" });
    expect(edit).toEqual({ ok: false, error: { code: "bad_request", message: expect.any(String) } });

    const stored = await testSql()`select body from messages where conversation_id = ${group.id}`;
    expect(stored.map((r) => r.body)).toEqual(["fine"]);
  });
});
