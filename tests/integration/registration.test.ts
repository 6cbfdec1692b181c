import { closeTestSql, createAccount, request, testSql, uniqueName } from "../support/api";

afterAll(closeTestSql);

const PUBLIC_KEYS = ["avatar", "bio", "createdAt", "displayName", "id", "username"];

async function countUsers(where: { username?: string; email?: string }): Promise<number> {
  const sql = testSql();
  const [row] = await sql`select count(*)::int as n from users where username = ${where.username ?? ""} or email = ${where.email ?? ""}`;
  return row.n;
}

function validBody() {
  const username = uniqueName("reg");
  return { username, email: `${username}@example.test`, password: "a good password", displayName: "Ada Lovelace" };
}

describe("POST /api/users", () => {
  it("creates an account and answers with public fields only", async () => {
    const body = validBody();
    const res = await request("/api/users", { method: "POST", json: body });
    expect(res.status).toBe(201);
    const { user } = await res.json();
    expect(Object.keys(user).sort()).toEqual(PUBLIC_KEYS);
    expect(user).toMatchObject({ username: body.username, displayName: "Ada Lovelace", bio: "", avatar: null });
    const [row] = await testSql()`select password_hash, email from users where id = ${user.id}`;
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.email).toBe(body.email);
  });

  it("stores username and email lowercase and trims the display name", async () => {
    const body = validBody();
    const res = await request("/api/users", {
      method: "POST",
      json: { ...body, username: body.username.toUpperCase(), email: body.email.toUpperCase(), displayName: "  Grace  " },
    });
    expect(res.status).toBe(201);
    const { user } = await res.json();
    expect(user.username).toBe(body.username);
    expect(user.displayName).toBe("Grace");
    const [row] = await testSql()`select email from users where id = ${user.id}`;
    expect(row.email).toBe(body.email);
  });

  it("refuses a username or email already taken, in any letter case, and creates nothing", async () => {
    const existing = await createAccount();
    const byName = await request("/api/users", {
      method: "POST",
      json: { ...validBody(), username: existing.username.toUpperCase() },
    });
    expect(byName.status).toBe(409);
    expect(await byName.json()).toEqual({
      error: { code: "conflict", message: "That username is taken", fields: { username: "That username is taken" } },
    });

    const other = validBody();
    const byEmail = await request("/api/users", { method: "POST", json: { ...other, email: existing.email.toUpperCase() } });
    expect(byEmail.status).toBe(409);
    expect((await byEmail.json()).error.fields).toHaveProperty("email");
    expect(await countUsers({ username: other.username })).toBe(0);
    expect(await countUsers({ email: existing.email })).toBe(1);
  });

  it("explains each invalid field", async () => {
    const res = await request("/api/users", {
      method: "POST",
      json: { username: "a!", email: "not-an-email", password: "short", displayName: "   " },
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    expect(Object.keys(error.fields).sort()).toEqual(["displayName", "email", "password", "username"]);
  });

  it("refuses the usernames a mention reads as everyone (all, here), in any letter case, and creates nothing", async () => {
    for (const username of ["all", "here", "ALL", " Here "]) {
      const res = await request("/api/users", { method: "POST", json: { ...validBody(), username } });
      expect({ username, status: res.status }).toEqual({ username, status: 400 });
      expect((await res.json()).error.fields.username).toMatch(/reserved/);
    }
    expect(await countUsers({ username: "all" })).toBe(0);
    expect(await countUsers({ username: "here" })).toBe(0);
  });

  it("refuses a password equal to the username", async () => {
    const body = validBody();
    const res = await request("/api/users", { method: "POST", json: { ...body, password: body.username.toUpperCase() } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.fields.password).toMatch(/username/);
  });

  const huge = "x".repeat(1024 * 1024);
  const badBodies: Array<[string, RequestInit & { json?: unknown }, number]> = [
    ["missing fields", { json: {} }, 400],
    ["wrong types", { json: { username: 42, email: ["a"], password: { p: 1 }, displayName: null } }, 400],
    ["an array", { json: [1, 2] }, 400],
    ["null", { json: null }, 400],
    ["unknown fields", { json: { ...validBody(), isAdmin: true } }, 400],
    ["malformed JSON", { body: "{\"username\": ", headers: { "content-type": "application/json" } }, 400],
    ["a form body", { body: "username=x", headers: { "content-type": "application/x-www-form-urlencoded" } }, 400],
    ["1 MB strings", { json: { username: huge, email: huge, password: huge, displayName: huge } }, 413],
  ];

  it.each(badBodies)("answers %s with the error shape and creates nothing", async (_what, init, status) => {
    const res = await request("/api/users", { method: "POST", ...init });
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    expect(JSON.stringify(body)).not.toMatch(/argon2|password_hash|stack/i);
    const sent = init.json as { username?: unknown } | undefined;
    if (typeof sent?.username === "string" && sent.username.length <= 32) {
      expect(await countUsers({ username: sent.username })).toBe(0);
    }
  });

  it("refuses strings just over the limits with 400", async () => {
    const body = validBody();
    const res = await request("/api/users", {
      method: "POST",
      json: { ...body, displayName: "d".repeat(65), password: "p".repeat(201) },
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(Object.keys(error.fields).sort()).toEqual(["displayName", "password"]);
    expect(await countUsers({ username: body.username })).toBe(0);
  });
});
