import { randomUUID } from "node:crypto";
import { closeTestSql, createAccount, request, signIn, testSql } from "../support/api";
import { callAction } from "../support/authz";

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
});
