/**
 * DESIGN Text rules on every HTTP way in (docs/text.md): every text field of every JSON body, the
 * credentials sign-in (JSON and form), query strings, route params and the server actions refuse
 * ill-formed text with 400 `bad_request` (a form: its error state) — never 500, never stored —
 * and count lengths in code points, accepting exactly up to each limit.
 */
import { randomUUID } from "node:crypto";
import { callAction, dbState, serverActionId } from "../support/authz";
import { baseUrl, closeTestSql, createAccount, csrf, ownLoopbackAddress, request, requestFrom, signIn, testSql, uniqueName, type TestAccount } from "../support/api";
import { EMOJI, ILL_FORMED } from "../support/text-samples";

jest.setTimeout(120_000);
afterAll(closeTestSql);


type Call = { path: string; method: string; body: Record<string, unknown>; cookie?: string; from?: string };

let owner: TestAccount & { cookie: string };
let friend: TestAccount;
let groupId: string;

beforeAll(async () => {
  const acct = await createAccount();
  owner = { ...acct, cookie: await signIn(acct.username, acct.password) };
  friend = await createAccount();
  const res = await request("/api/conversations", { method: "POST", cookie: owner.cookie, json: { kind: "group", title: "Text rules", memberIds: [friend.id] } });
  groupId = (await res.json()).conversation.id;
});

/** Every text field of every JSON body, each given `bad` in that field and valid values elsewhere. */
function jsonInputs(bad: string): Array<[string, Call]> {
  const reg = (field: string) => {
    const username = uniqueName("tx");
    const body: Record<string, unknown> = { username, email: `${username}@example.test`, password: "a fine password", displayName: "Fine Name", [field]: bad };
    return { path: "/api/users", method: "POST", body, from: ownLoopbackAddress() };
  };
  const mine = (method: string, path: string, body: Record<string, unknown>): Call => ({ path, method, body, cookie: owner.cookie });
  return [
    ["POST /api/users username", reg("username")],
    ["POST /api/users email", reg("email")],
    ["POST /api/users password", reg("password")],
    ["POST /api/users displayName", reg("displayName")],
    ["POST /api/users, an unknown key", { ...reg("displayName"), body: { ...reg("displayName").body, displayName: "Fine", [bad]: 1 } }],
    ["PATCH /api/me displayName", mine("PATCH", "/api/me", { displayName: bad })],
    ["PATCH /api/me bio", mine("PATCH", "/api/me", { bio: bad })],
    ["POST /api/me/password currentPassword", mine("POST", "/api/me/password", { currentPassword: bad, newPassword: "another fine password" })],
    ["POST /api/me/password newPassword", mine("POST", "/api/me/password", { currentPassword: owner.password, newPassword: `a new ${bad} password` })],
    ["DELETE /api/me password", mine("DELETE", "/api/me", { password: bad })],
    ["POST /api/conversations title", mine("POST", "/api/conversations", { kind: "group", title: bad, memberIds: [friend.id] })],
    ["POST /api/conversations memberIds", mine("POST", "/api/conversations", { kind: "group", title: "Fine", memberIds: [bad] })],
    ["POST /api/conversations userId", mine("POST", "/api/conversations", { kind: "direct", userId: bad })],
    ["POST /api/conversations kind", mine("POST", "/api/conversations", { kind: bad, userId: friend.id })],
    ["PATCH /api/conversations/:id title", mine("PATCH", `/api/conversations/${groupId}`, { title: bad })],
    ["POST /api/conversations/:id/members userIds", mine("POST", `/api/conversations/${groupId}/members`, { userIds: [bad] })],
    ["POST /api/conversations/:id/messages body", mine("POST", `/api/conversations/${groupId}/messages`, { clientId: randomUUID(), body: bad })],
    ["POST /api/conversations/:id/messages clientId", mine("POST", `/api/conversations/${groupId}/messages`, { clientId: bad, body: "fine" })],
  ];
}

async function send(call: Call): Promise<Response> {
  const body = JSON.stringify(call.body);
  // Content-Length: node's client frames no DELETE body by itself (the server would read it as a second request)
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
  if (call.cookie) headers.cookie = call.cookie;
  return requestFrom(call.from ?? "127.0.0.1", call.path, call.method, headers, body);
}

async function everything() {
  const state = await dbState([owner.id, friend.id]);
  const [{ n }] = await testSql()`select count(*)::int as n from users`;
  return JSON.stringify({ state, users: n });
}

describe("ill-formed text in JSON bodies", () => {
  it.each(ILL_FORMED)("%s is refused with 400 bad_request by every text field, and nothing changes", async (_what, bad) => {
    const before = await everything();
    for (const [input, call] of jsonInputs(bad)) {
      const res = await send(call);
      const answer = await res.text();
      expect([input, res.status, JSON.parse(answer).error]).toEqual([input, 400, { code: "bad_request", message: expect.any(String), fields: expect.any(Object) }]);
    }
    expect(await everything()).toBe(before);
  });

  it.each(ILL_FORMED)("%s in the credentials sign-in (JSON and form) is 400 bad_request", async (_what, bad) => {
    for (const fields of [{ login: bad, password: owner.password }, { login: owner.username, password: bad }]) {
      const c = await csrf();
      const asJson = await request("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: c.cookie },
        body: JSON.stringify({ ...fields, csrfToken: c.token, json: "true" }),
      });
      expect([fields, asJson.status, (await asJson.json()).error.code]).toEqual([fields, 400, "bad_request"]);
    }
  });

  it("refuses bytes that are not UTF-8 (an encoded surrogate, an overlong form, a cut sequence) instead of storing U+FFFD", async () => {
    const before = await everything();
    for (const bytes of ["\xed\xa0\xbd", "\xc0\xaf", "\xf0\x9f\x98", "\xff"]) {
      const raw = Buffer.concat([Buffer.from(`{"clientId":"${randomUUID()}","body":"hi `), Buffer.from(bytes, "latin1"), Buffer.from('"}')]);
      const res = await request(`/api/conversations/${groupId}/messages`, { method: "POST", cookie: owner.cookie, headers: { "content-type": "application/json" }, body: raw });
      expect([bytes, res.status]).toEqual([bytes, 400]);
      expect(await res.json()).toEqual({ error: { code: "bad_request", message: "The body is not valid UTF-8 text" } });
      const name = await request("/api/me", { method: "PATCH", cookie: owner.cookie, headers: { "content-type": "application/json" }, body: Buffer.concat([Buffer.from('{"displayName":"A'), Buffer.from(bytes, "latin1"), Buffer.from('"}')]) });
      expect(name.status).toBe(400);
    }
    expect(await everything()).toBe(before);
  });
});

describe("ill-formed text in forms, queries and paths", () => {
  it("the sign-in form refuses percent-escapes that are not UTF-8", async () => {
    for (const login of ["%ED%A0%BD", "%FF", "%C0%AF", "ada%F0%9F%98"]) {
      const c = await csrf();
      const res = await request("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: c.cookie },
        body: `login=${login}&password=x&csrfToken=${c.token}&json=true`,
      });
      expect([login, res.status]).toEqual([login, 400]);
      expect((await res.json()).error).toEqual({ code: "bad_request", message: "The form is not valid UTF-8 text" });
    }
    // a well-formed escape, and a "%" that starts no escape, are read as URLSearchParams reads them
    const c = await csrf();
    const ok = await request("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: c.cookie },
      body: `login=${owner.username.toUpperCase()}&password=${encodeURIComponent(owner.password).replace(/%20/g, "+")}&csrfToken=${c.token}&json=true`,
    });
    expect(ok.status).toBe(200);
  });

  it("query strings refuse NUL and escapes that are not UTF-8, in the directory and in history", async () => {
    for (const path of [
      "/api/users?q=%ED%A0%BD",
      "/api/users?q=ada%FF",
      "/api/users?q=%C0%AF",
      "/api/users?q=a%00b",
      "/api/users?cursor=%ED%A0%BD",
      `/api/conversations/${groupId}/messages?before=%ED%A0%BD`,
      `/api/conversations/${groupId}/messages?limit=5&x%FF=1`,
    ]) {
      const res = await request(path, { cookie: owner.cookie });
      expect([path, res.status, await res.text()]).toEqual([path, 400, expect.stringContaining('"code":"bad_request"')]);
    }
  });

  it("route params: undecodable paths are 400, NUL or other text where an id or a username belongs is 404", async () => {
    for (const [path, status] of [
      ["/api/users/%ED%A0%BD", 400],
      ["/api/conversations/%ED%A0%BD/messages", 400],
      ["/api/users/%00", 404],
      ["/api/users/%F0%9F%98%80", 404],
      ["/api/conversations/%00", 404],
      [`/api/conversations/${groupId}%00/messages`, 404],
    ] as const) {
      const res = await request(path, { cookie: owner.cookie });
      expect([path, res.status]).toEqual([path, status]);
      expect(typeof (await res.json()).error.code).toBe("string");
    }
  });

  it("a server action given text (a lone surrogate) where its form belongs answers with its error state, not a 500", async () => {
    for (const [page, key, cookie] of [
      ["/register", "app/(auth)/register/actions.ts#register", undefined],
      ["/settings", "app/(chat)/settings/actions.ts#updateProfile", owner.cookie],
    ] as const) {
      for (const args of ['[{}, "\\ud83d"]', '[{}, {"displayName": "\\ud83d"}]', '["\\ud83d", "\\ud83d"]']) {
        const form = new FormData();
        form.append("0", args);
        const encoded = new Request(baseUrl(), { method: "POST", body: form });
        const headers: Record<string, string> = {
          "content-type": encoded.headers.get("content-type")!,
          accept: "text/x-component",
          "next-action": serverActionId(key),
          origin: new URL(baseUrl()).origin,
        };
        if (cookie) headers.cookie = cookie;
        const res = await requestFrom(ownLoopbackAddress(), page, "POST", headers, await encoded.text());
        const text = await res.text();
        expect([key, args, res.status]).toEqual([key, args, 200]);
        expect(text).toContain("Send the form's fields");
      }
    }
    expect((await testSql()`select display_name from users where id = ${owner.id}`)[0].display_name).toBe(owner.displayName);
  });

  it("the directory search is NFC-normalised like the names it searches", async () => {
    const tag = uniqueName("nfc");
    const acct = await createAccount({ displayName: `Jos\u00e9 ${tag}` });
    const res = await request(`/api/users?q=${encodeURIComponent(`Jose\u0301 ${tag}`)}`, { cookie: owner.cookie });
    expect(res.status).toBe(200);
    const found = (await res.json()).users.map((u: { id: string }) => u.id);
    expect(found).toContain(acct.id);
  });
});

describe("noncharacters and control characters: what is kept and what is refused (docs/text.md)", () => {
  it("message bodies and bios keep noncharacters and tabs; names and titles refuse noncharacters", async () => {
    const body = "tab\there, noncharacters \ufffe \uffff \u{10ffff}, a bell \u0007";
    const sent = await request(`/api/conversations/${groupId}/messages`, { method: "POST", cookie: owner.cookie, json: { clientId: randomUUID(), body } });
    expect(sent.status).toBe(201);
    expect((await sent.json()).message.body).toBe(body);
    const bio = await request("/api/me", { method: "PATCH", cookie: owner.cookie, json: { bio: "x\uffffy" } });
    expect(bio.status).toBe(200);
    for (const [path, method, json, field] of [
      ["/api/me", "PATCH", { displayName: "Ada\uffff" }, "displayName"],
      ["/api/me", "PATCH", { displayName: "\ufffeAda" }, "displayName"],
      [`/api/conversations/${groupId}`, "PATCH", { title: "Team \uffff" }, "title"],
    ] as const) {
      const res = await request(path, { method, cookie: owner.cookie, json });
      expect(res.status).toBe(400);
      expect((await res.json()).error.fields[field]).toMatch(/unassigned/);
    }
  });
});

describe("unknown keys in a JSON body are named, not echoed as sent", () => {
  const raw = (body: string) => request("/api/me", { method: "PATCH", cookie: owner.cookie, headers: { "content-type": "application/json" }, body });

  it("an ill-formed key is named well-formed, a long key cut to 64 code points, at most 20 named", async () => {
    const lone = await raw('{"bio":"ok","\\ud83d":1,"a\\u0000b":2}');
    expect(lone.status).toBe(400);
    const loneText = await lone.text();
    expect(loneText).not.toMatch(/\\ud83d|\\u0000/i); // JSON.stringify writes a lone surrogate as that escape
    expect(JSON.parse(loneText).error.fields).toEqual({ "\ufffd": "Unknown field", "a\ufffdb": "Unknown field" });

    const long = await raw(JSON.stringify({ bio: "ok", ["k".repeat(20_000)]: 1, ["👩🏽‍💻".repeat(30)]: 2 }));
    expect(long.status).toBe(400);
    const keys = Object.keys((await long.json()).error.fields);
    expect(keys).toEqual(["k".repeat(63) + "…", "👩🏽‍💻".repeat(15) + "…"]); // 4 code points each: 15 fit before the ellipsis

    const many = await raw(JSON.stringify({ bio: "x".repeat(300), ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])) }));
    expect(many.status).toBe(400);
    const fields = (await many.json()).error.fields as Record<string, string>;
    expect(Object.keys(fields).filter((k) => k !== "bio")).toHaveLength(20);
  });
});

describe("the user agent a session stores (lib/sessions/store.ts cleanUserAgent)", () => {
  /** Signs `acct` in sending `agent` as the User-Agent header's bytes; returns what the new session stored. */
  async function storedAgent(acct: TestAccount, agent: Buffer): Promise<string | null> {
    const c = await csrf();
    const res = await request("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: c.cookie, "user-agent": agent.toString("latin1") },
      body: new URLSearchParams({ login: acct.username, password: acct.password, csrfToken: c.token, json: "true" }).toString(),
    });
    expect(res.status).toBe(200);
    const [row] = await testSql()`select user_agent from sessions where user_id = ${acct.id} order by created_at desc limit 1`;
    return row.user_agent as string | null;
  }

  it("is decoded as UTF-8 when it is UTF-8, kept as latin1 otherwise, without control characters, cut to 256", async () => {
    const acct = await createAccount();
    expect(await storedAgent(acct, Buffer.from("Zoë 😀\tParley/1.0", "utf8"))).toBe("Zoë 😀 Parley/1.0");
    expect(await storedAgent(acct, Buffer.from("Caf\xe9 \x85\x9fBrowser", "latin1"))).toBe("Café Browser"); // not UTF-8; C1 controls dropped
    const long = await storedAgent(acct, Buffer.from("👩🏽‍💻".repeat(100), "utf8"));
    expect(long).toBe("👩🏽‍💻".repeat(63) + "…"); // 4 code points each: 63 fit in 255
  });
});

describe("lengths are code points, at the exact boundaries", () => {
  const patchMe = (json: unknown) => request("/api/me", { method: "PATCH", cookie: owner.cookie, json });

  it("a message: 4000 emoji are accepted (8000 UTF-16 units), 4001 refused, over REST", async () => {
    const post = (body: string) => request(`/api/conversations/${groupId}/messages`, { method: "POST", cookie: owner.cookie, json: { clientId: randomUUID(), body } });
    const ok = await post(EMOJI.repeat(4000));
    expect(ok.status).toBe(201);
    expect((await ok.json()).message.body).toBe(EMOJI.repeat(4000));
    const over = await post(EMOJI.repeat(4001));
    expect(over.status).toBe(400);
    expect((await over.json()).error.fields.body).toBe("A message may be at most 4000 characters");
    // a ZWJ sequence is as many characters as it has code points
    expect((await post("x".repeat(3996) + "👩🏽‍💻")).status).toBe(201);
    expect((await post("x".repeat(3997) + "👩🏽‍💻")).status).toBe(400);
  });

  it("a display name: 64 emoji are accepted, 65 refused (and 64 decomposed é count 64 once NFC)", async () => {
    expect((await patchMe({ displayName: EMOJI.repeat(64) })).status).toBe(200);
    const over = await patchMe({ displayName: EMOJI.repeat(65) });
    expect(over.status).toBe(400);
    expect((await over.json()).error.fields.displayName).toBe("Display name must be at most 64 characters");
    const nfd = await patchMe({ displayName: "e\u0301".repeat(64) });
    expect(nfd.status).toBe(200);
    expect((await nfd.json()).user.displayName).toBe("\u00e9".repeat(64));
    // at registration too
    const username = uniqueName("em");
    const reg = (displayName: string) =>
      requestFrom(ownLoopbackAddress(), "/api/users", "POST", { "content-type": "application/json" }, JSON.stringify({ username, email: `${username}@example.test`, password: "a fine password", displayName }));
    expect((await reg(EMOJI.repeat(65))).status).toBe(400);
    expect((await reg(EMOJI.repeat(64))).status).toBe(201);
  });

  it("a bio: 280 emoji are accepted, 281 refused", async () => {
    expect((await patchMe({ bio: EMOJI.repeat(280) })).status).toBe(200);
    expect((await patchMe({ bio: EMOJI.repeat(281) })).status).toBe(400);
  });

  it("a group title: 64 emoji are accepted, 65 refused, at creation and at rename", async () => {
    const create = (title: string) => request("/api/conversations", { method: "POST", cookie: owner.cookie, json: { kind: "group", title, memberIds: [friend.id] } });
    expect((await create(EMOJI.repeat(64))).status).toBe(201);
    expect((await create(EMOJI.repeat(65))).status).toBe(400);
    const rename = (title: string) => request(`/api/conversations/${groupId}`, { method: "PATCH", cookie: owner.cookie, json: { title } });
    expect((await rename(EMOJI.repeat(65))).status).toBe(400);
    expect((await rename(EMOJI.repeat(64))).status).toBe(200);
  });

  it("a directory search: 64 emoji are a search, 65 refused", async () => {
    expect((await request(`/api/users?q=${encodeURIComponent(EMOJI.repeat(64))}`, { cookie: owner.cookie })).status).toBe(200);
    expect((await request(`/api/users?q=${encodeURIComponent(EMOJI.repeat(65))}`, { cookie: owner.cookie })).status).toBe(400);
  });

  it("at most 30 combining marks in a row, in messages, names, titles and bios", async () => {
    const at = "Z" + "\u0336\u0489".repeat(15);
    const over = at + "\u0301";
    const post = (body: string) => request(`/api/conversations/${groupId}/messages`, { method: "POST", cookie: owner.cookie, json: { clientId: randomUUID(), body } });
    expect((await post(at)).status).toBe(201);
    const refused = await post(over);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.fields.body).toBe("A message may have at most 30 accents or other combining marks in a row");
    expect((await patchMe({ displayName: over })).status).toBe(400);
    expect((await patchMe({ bio: over })).status).toBe(400);
    expect((await request(`/api/conversations/${groupId}`, { method: "PATCH", cookie: owner.cookie, json: { title: over } })).status).toBe(400);
    expect((await patchMe({ displayName: at })).status).toBe(200);
  });
});

// registration through the form (server action) follows the same count
describe("the register form", () => {
  it("accepts a display name of 64 emoji and refuses 65 with the field's message", async () => {
    const base = () => {
      const username = uniqueName("rf");
      return { username, email: `${username}@example.test`, password: "a fine password" };
    };
    const over = await callAction("/register", "app/(auth)/register/actions.ts#register", { ...base(), displayName: EMOJI.repeat(65) }, { from: ownLoopbackAddress() });
    expect((over.result?.fields as Record<string, string>).displayName).toBe("Display name must be at most 64 characters");
    const fields = { ...base(), displayName: EMOJI.repeat(64) };
    const ok = await callAction("/register", "app/(auth)/register/actions.ts#register", fields, { from: ownLoopbackAddress() });
    expect(ok.result?.fields).toBeUndefined();
    expect((await testSql()`select display_name from users where username = ${fields.username}`)[0]?.display_name).toBe(EMOJI.repeat(64));
  });
});
