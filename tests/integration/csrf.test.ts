import { randomUUID } from "node:crypto";
import { baseUrl, closeTestSql, createAccount, csrf, request, signIn, testSql } from "../support/api";
import { callAction, serverActionId } from "../support/authz";

afterAll(closeTestSql);

describe("cross-site requests", () => {
  it("refuses every state-changing route handler when Origin is another site, and changes nothing", async () => {
    const acct = await createAccount();
    const other = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const group = (await (await request("/api/conversations", { method: "POST", cookie, json: { kind: "group", title: "Safe", memberIds: [other.id] } })).json()).conversation;
    const evil = { origin: "https://evil.example" };
    const attempts: [string, string, unknown][] = [
      ["POST", "/api/users", { username: "csrf_victim", email: "csrf@example.test", password: "password123", displayName: "X" }],
      ["PATCH", "/api/me", { bio: "pwned" }],
      ["POST", "/api/me/password", { currentPassword: acct.password, newPassword: "attacker chosen" }],
      ["DELETE", "/api/me", { password: acct.password }],
      ["POST", "/api/conversations", { kind: "direct", userId: other.id }],
      ["PATCH", `/api/conversations/${group.id}`, { title: "pwned" }],
      ["POST", `/api/conversations/${group.id}/members`, { userIds: [other.id] }],
      ["DELETE", `/api/conversations/${group.id}/members/${other.id}`, undefined],
      ["POST", `/api/conversations/${group.id}/messages`, { clientId: randomUUID(), body: "pwned" }],
      ["PATCH", `/api/conversations/${group.id}/settings`, { notifications: "none" }],
      ["DELETE", "/api/me/avatar", undefined],
      ["PUT", "/api/me/avatar", undefined],
    ];
    for (const [method, path, json] of attempts) {
      const res = await request(path, { method, cookie, json, headers: evil });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    const [me] = await testSql()`select bio from users where id = ${acct.id}`;
    expect(me.bio).toBe("");
    expect(await testSql()`select id from messages where conversation_id = ${group.id}`).toHaveLength(0);
    expect(await testSql()`select user_id from members where conversation_id = ${group.id}`).toHaveLength(2);
    expect(await testSql()`select user_id from members where conversation_id = ${group.id} and notifications <> 'all'`).toHaveLength(0);
    expect(await testSql()`select id from users where username = 'csrf_victim'`).toHaveLength(0);
    // the same requests from the app's own origin work
    const same = await request("/api/me", { method: "PATCH", cookie, json: { bio: "mine" }, headers: { origin: new URL(process.env.PARLEY_TEST_URL!).origin } });
    expect(same.status).toBe(200);
  });

  it("refuses server actions called from another site with 403, and changes nothing", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const action = "app/(chat)/settings/actions.ts#updateProfile";
    const evil = await callAction("/settings", action, { displayName: "Pwned", bio: "pwned" }, { cookie, origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect((await testSql()`select display_name, bio from users where id = ${acct.id}`)[0]).toEqual({ display_name: acct.displayName, bio: "" });
    // the same call from the app's own origin is applied
    const own = await callAction("/settings", action, { displayName: "Mine", bio: "mine" }, { cookie });
    expect(own.status).toBe(200);
    expect((await testSql()`select display_name, bio from users where id = ${acct.id}`)[0]).toEqual({ display_name: "Mine", bio: "mine" });
  });

  it("refuses a sibling origin on the same site (another port), the other scheme and Origin: null", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const { protocol, hostname, port } = new URL(baseUrl());
    const foreign = [`${protocol}//${hostname}:${Number(port) + 1}`, `https://${hostname}:${port}`, "null", "garbage"];
    for (const origin of foreign) {
      const res = await request("/api/me", { method: "PATCH", cookie, json: { bio: "pwned" }, headers: { origin } });
      expect([origin, res.status]).toEqual([origin, 403]);
    }
    expect((await testSql()`select bio from users where id = ${acct.id}`)[0].bio).toBe("");
  });

  it("refuses a server action posted as a plain cross-site HTML form (no Next-Action header) with 403 in the error shape", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const actionField = `$ACTION_ID_${serverActionId("app/(chat)/settings/actions.ts#updateProfile")}`;
    const multipart = new FormData();
    multipart.append(actionField, "");
    multipart.append("displayName", "Pwned");
    multipart.append("bio", "pwned");
    const urlencoded = new URLSearchParams({ [actionField]: "", displayName: "Pwned", bio: "pwned" });
    for (const body of [multipart, urlencoded]) {
      const res = await request("/settings", { method: "POST", cookie, body, headers: { origin: "https://evil.example" } });
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toEqual({ error: { code: "forbidden", message: expect.any(String) } });
    }
    expect((await testSql()`select display_name, bio from users where id = ${acct.id}`)[0]).toEqual({ display_name: acct.displayName, bio: "" });
  });

  it("refuses every non-safe method from another origin: pages, next-auth sign-in and sign-out", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const evil = { origin: "https://evil.example" };
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await request("/settings", { method, cookie, headers: evil });
      expect([method, res.status]).toEqual([method, 403]);
    }
    // login CSRF: signing the victim into the attacker's account
    const c = await csrf();
    const signInRes = await request("/api/auth/callback/credentials", {
      method: "POST",
      cookie: c.cookie,
      headers: { ...evil, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ login: acct.username, password: acct.password, csrfToken: c.token, json: "true" }).toString(),
    });
    expect(signInRes.status).toBe(403);
    expect(signInRes.headers.getSetCookie().join("\n")).not.toContain("session-token");
    // forced sign-out
    const out = await csrf(cookie);
    const signOutRes = await request("/api/auth/signout", {
      method: "POST",
      cookie: out.cookie,
      headers: { ...evil, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: out.token, json: "true" }).toString(),
    });
    expect(signOutRes.status).toBe(403);
    expect(await testSql()`select id from sessions where user_id = ${acct.id} and revoked_at is null`).toHaveLength(1);
  });

  it("lets through requests without Origin (not sent by a browser page) and safe methods from anywhere", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    expect((await request("/api/me", { method: "PATCH", cookie, json: { bio: "from a script" } })).status).toBe(200);
    expect((await request("/api/me", { cookie, headers: { origin: "https://evil.example" } })).status).toBe(200);
    expect((await request("/api/me", { method: "OPTIONS", headers: { origin: "https://evil.example" } })).status).not.toBe(403);
  });
});
