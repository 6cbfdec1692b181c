import { closeTestSql, createAccount, postSignIn, request, signIn, signOut, testSql } from "../support/api";

afterAll(closeTestSql);

describe("sign-in", () => {
  it("accepts the username or the email, in any letter case", async () => {
    const acct = await createAccount();
    for (const login of [acct.username, acct.username.toUpperCase(), acct.email, acct.email.toUpperCase()]) {
      const cookie = await signIn(login, acct.password);
      const me = await request("/api/me", { cookie });
      expect(me.status).toBe(200);
      expect((await me.json()).user.id).toBe(acct.id);
    }
  });

  it("creates one live session row per sign-in, and puts no email in the cookie's session", async () => {
    const acct = await createAccount();
    await signIn(acct.username, acct.password);
    const cookie = await signIn(acct.username, acct.password);
    const rows = await testSql()`select revoked_at from sessions where user_id = ${acct.id}`;
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.revoked_at === null)).toBe(true);
    const session = await (await request("/api/auth/session", { cookie })).json();
    expect(session.user).toEqual({ id: acct.id, name: acct.displayName });
  });

  it("gives the same answer for an unknown account and a wrong password", async () => {
    const acct = await createAccount();
    const wrong = await postSignIn(acct.username, "not the password");
    const unknown = await postSignIn(`${acct.username}_nobody`, "not the password");
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    const a = await wrong.res.json();
    const b = await unknown.res.json();
    expect(a.error).toEqual({ code: "unauthorized", message: "Wrong username, email or password" });
    expect(b.error).toEqual(a.error);
    expect(wrong.cookie).not.toContain("session-token");
  });

  it("takes about as long for an unknown account as for a wrong password", async () => {
    // Fresh accounts each time, so the throttle's slow-down does not enter the measurement.
    const accounts = await Promise.all(Array.from({ length: 5 }, () => createAccount()));
    const time = async (login: string) => {
      const t0 = performance.now();
      await postSignIn(login, "not the password");
      return performance.now() - t0;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (const acct of accounts) {
      wrong.push(await time(acct.username));
      unknown.push(await time(`${acct.username}_none`));
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    // Without the dummy hash an unknown name answers in ~2 ms against ~20+ ms for a real verify.
    expect(median(unknown) / median(wrong)).toBeGreaterThan(0.5);
  });

  const huge = "y".repeat(1024 * 1024);
  const form = "application/x-www-form-urlencoded";
  it.each([
    ["missing fields", () => "", form, 400],
    ["an empty password", (u: string) => `login=${u}&password=`, form, 400],
    ["malformed JSON", (u: string) => `{"login":"${u}","password":`, "application/json", 400],
    ["wrong types", (u: string) => JSON.stringify({ login: [u], password: 12345678 }), "application/json", 400],
    ["1 MB strings", (u: string) => `login=${u}&password=${huge}`, form, 413],
  ])("answers %s with the error shape and creates no session", async (_what, body, type, status) => {
    const acct = await createAccount();
    const res = await request("/api/auth/callback/credentials", { method: "POST", body: body(acct.username), headers: { "content-type": type } });
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    expect(res.headers.getSetCookie().join()).not.toContain("session-token");
    expect(await testSql()`select id from sessions where user_id = ${acct.id}`).toHaveLength(0);
  });
});

describe("sign-out", () => {
  it("revokes the session so a copied cookie is refused afterwards", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    expect((await request("/api/me", { cookie })).status).toBe(200);

    const res = await signOut(cookie);
    expect(res.status).toBe(200);

    const replay = await request("/api/me", { cookie });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: { code: "unauthorized", message: "Sign in to continue" } });
    const rows = await testSql()`select revoked_at from sessions where user_id = ${acct.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0].revoked_at).not.toBeNull();
    // next-auth's own session endpoint no longer recognises it either, and the home page sends to /login
    expect(await (await request("/api/auth/session", { cookie })).json()).toEqual({});
    const home = await request("/", { cookie });
    expect(home.status).toBe(307);
    expect(home.headers.get("location")).toMatch(/\/login$/);
  });

  it("ends only the session signed out, not the user's other devices", async () => {
    const acct = await createAccount();
    const laptop = await signIn(acct.username, acct.password);
    const phone = await signIn(acct.username, acct.password);
    await signOut(laptop);
    expect((await request("/api/me", { cookie: laptop })).status).toBe(401);
    expect((await request("/api/me", { cookie: phone })).status).toBe(200);
  });
});

describe("GET /api/me", () => {
  it("refuses anonymous and forged cookies with 401", async () => {
    for (const cookie of ["", "next-auth.session-token=forged", "next-auth.session-token.0=a; next-auth.session-token.1=b"]) {
      const res = await request("/api/me", { cookie });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("unauthorized");
    }
  });

  it("returns the own profile with email but never the password hash", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.email, acct.password);
    const { user } = await (await request("/api/me", { cookie })).json();
    expect(user).toEqual({
      id: acct.id,
      username: acct.username,
      email: acct.email,
      displayName: acct.displayName,
      bio: "",
      avatar: null,
      createdAt: expect.any(String),
    });
  });
});

describe("GET /api/health", () => {
  it("reports the database", async () => {
    const res = await request("/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, db: "up" });
  });
});
