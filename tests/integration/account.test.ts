import { randomUUID } from "node:crypto";
import { closeTestSql, createAccount, postSignIn, request, signIn, testSql } from "../support/api";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

/** A group with messages, written straight to the tables (messaging has no API yet). */
async function seedGroup(ownerId: string, memberId: string) {
  const sql = testSql();
  const [conv] = await sql`insert into conversations (kind, title, created_by, last_seq) values ('group', 'Book club', ${ownerId}, 2) returning id`;
  await sql`insert into members (conversation_id, user_id, role) values (${conv.id}, ${ownerId}, 'owner'), (${conv.id}, ${memberId}, 'member')`;
  await sql`insert into messages (conversation_id, seq, rev, sender_id, client_id, body) values
    (${conv.id}, 1, 1, ${ownerId}, ${randomUUID()}, 'hello from the owner'),
    (${conv.id}, 2, 2, ${memberId}, ${randomUUID()}, 'hi from the member')`;
  return conv.id as string;
}

describe("PATCH /api/me", () => {
  it("updates display name and bio and returns the own profile", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const res = await request("/api/me", { method: "PATCH", cookie, json: { displayName: "  New Name ", bio: "Writes <b>compilers</b>\nand poems" } });
    expect(res.status).toBe(200);
    const { user } = await res.json();
    expect(user).toMatchObject({ displayName: "New Name", bio: "Writes <b>compilers</b>\nand poems", email: acct.email });
    const pub = await (await request(`/api/users/${acct.username}`, { cookie })).json();
    expect(pub.user.bio).toBe("Writes <b>compilers</b>\nand poems");
    expect((await request("/api/me", { method: "PATCH", cookie, json: { avatar: null } })).status).toBe(200);
  });

  it.each([
    ["wrong types", { displayName: 5, bio: ["x"] }, 400],
    ["a bio over 280 characters", { bio: "b".repeat(281) }, 400],
    ["an empty display name", { displayName: "   " }, 400],
    ["unknown fields", { displayName: "Ok", email: "x@y.z" }, 400],
    ["no fields", {}, 400],
    ["an avatar upload", { avatar: "data:image/png;base64,AAAA" }, 400],
    ["a 1 MB value", { bio: "b".repeat(1024 * 1024) }, 413],
  ])("refuses %s and changes nothing", async (_what, body, status) => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const res = await request("/api/me", { method: "PATCH", cookie, json: body });
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toEqual(expect.any(String));
    const [row] = await testSql()`select display_name, bio, email from users where id = ${acct.id}`;
    expect(row).toEqual({ display_name: acct.displayName, bio: "", email: acct.email });
  });

  it("refuses anonymous and cross-site requests", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    expect((await request("/api/me", { method: "PATCH", json: { bio: "x" } })).status).toBe(401);
    const cross = await request("/api/me", { method: "PATCH", cookie, json: { bio: "x" }, headers: { origin: "https://evil.example" } });
    expect(cross.status).toBe(403);
    expect((await testSql()`select bio from users where id = ${acct.id}`)[0].bio).toBe("");
  });
});

describe("POST /api/me/password", () => {
  it("needs the current password, then signs out every other session", async () => {
    const acct = await createAccount();
    const here = await signIn(acct.username, acct.password);
    const elsewhere = await signIn(acct.username, acct.password);
    const socket = connectSocket(elsewhere);
    await connected(socket);
    const revoked = new Promise((r) => socket.once("session:revoked", r));

    const wrong = await request("/api/me/password", { method: "POST", cookie: here, json: { currentPassword: "nope nope", newPassword: "brand new secret" } });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.fields).toEqual({ currentPassword: "Wrong password" });

    const short = await request("/api/me/password", { method: "POST", cookie: here, json: { currentPassword: acct.password, newPassword: "short" } });
    expect(short.status).toBe(400);

    const ok = await request("/api/me/password", { method: "POST", cookie: here, json: { currentPassword: acct.password, newPassword: "brand new secret" } });
    expect(ok.status).toBe(200);
    expect(await revoked).toEqual({ reason: "password_changed" });
    expect((await request("/api/me", { cookie: elsewhere })).status).toBe(401);
    expect((await request("/api/me", { cookie: here })).status).toBe(200);
    expect((await postSignIn(acct.username, acct.password)).res.status).toBe(401);
    expect((await postSignIn(acct.username, "brand new secret")).res.status).toBe(200);
  });
});

describe("DELETE /api/me", () => {
  it("refuses a wrong password and deletes nothing", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const res = await request("/api/me", { method: "DELETE", cookie, json: { password: "not it at all" } });
    expect(res.status).toBe(403);
    expect(await testSql()`select id from users where id = ${acct.id}`).toHaveLength(1);
    expect((await request("/api/me", { cookie })).status).toBe(200);
    expect((await request("/api/me", { method: "DELETE", cookie, json: {} })).status).toBe(400);
  });

  it("removes the account, its sessions and memberships, keeps its messages, and frees the names", async () => {
    const acct = await createAccount();
    const friend = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const convId = await seedGroup(acct.id, friend.id);
    const socket = connectSocket(cookie);
    const friendSocket = connectSocket(await signIn(friend.username, friend.password));
    await Promise.all([connected(socket), connected(friendSocket)]);
    const revoked = new Promise((r) => socket.once("session:revoked", r));
    const updated = new Promise((r) => friendSocket.once("conversation:updated", r));

    const res = await request("/api/me", { method: "DELETE", cookie, json: { password: acct.password } });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join()).toMatch(/next-auth\.session-token=;/);
    expect(await revoked).toEqual({ reason: "deleted" });
    // the remaining member sees the group without the deleted user, and owns it now
    expect(await updated).toMatchObject({ id: convId, role: "owner", members: [{ id: friend.id, role: "owner" }] });

    const sql = testSql();
    expect(await sql`select id from users where id = ${acct.id}`).toHaveLength(0);
    expect(await sql`select id from sessions where user_id = ${acct.id}`).toHaveLength(0);
    expect(await sql`select user_id from members where user_id = ${acct.id}`).toHaveLength(0);
    // past messages stay, without a sender ("Deleted user"); the group passes to the remaining member,
    // and its timeline notes both, without a sender (docs/protocol.md "Timeline notes")
    const msgs = await sql`select sender_id, body, kind, event from messages where conversation_id = ${convId} order by seq`;
    expect(msgs).toEqual([
      { sender_id: null, body: "hello from the owner", kind: "text", event: null },
      { sender_id: friend.id, body: "hi from the member", kind: "text", event: null },
      { sender_id: null, body: "", kind: "system", event: { type: "member_left", userId: acct.id } },
      { sender_id: null, body: "", kind: "system", event: { type: "owner_changed", userId: friend.id } },
    ]);
    expect(await sql`select user_id, role from members where conversation_id = ${convId}`).toEqual([{ user_id: friend.id, role: "owner" }]);

    // the old cookie and the old password no longer work
    expect((await request("/api/me", { cookie })).status).toBe(401);
    await expect(connected(connectSocket(cookie))).rejects.toThrow("unauthorized");
    expect((await postSignIn(acct.username, acct.password)).res.status).toBe(401);

    // username and email are free again
    const again = await request("/api/users", {
      method: "POST",
      json: { username: acct.username, email: acct.email, password: "another password", displayName: "Someone New" },
    });
    expect(again.status).toBe(201);
  });
});

describe("GET /api/me/export", () => {
  it("downloads the user's profile, conversations and own messages, and nothing secret", async () => {
    const acct = await createAccount();
    const friend = await createAccount();
    const convId = await seedGroup(acct.id, friend.id);
    const cookie = await signIn(acct.username, acct.password);
    const res = await request("/api/me/export", { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="parley-export-${acct.username}.json"`);
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data.profile).toMatchObject({ id: acct.id, username: acct.username, email: acct.email });
    expect(data.conversations).toEqual([expect.objectContaining({ id: convId, kind: "group", title: "Book club", role: "owner" })]);
    expect(data.messages.map((m: { body: string }) => m.body)).toEqual(["hello from the owner"]);
    expect(data.sessions).toHaveLength(1);
    expect(text).not.toMatch(/argon2|password_hash|passwordHash/);
    expect(text).not.toContain(friend.email);
    expect((await request("/api/me/export")).status).toBe(401);
  });
});
