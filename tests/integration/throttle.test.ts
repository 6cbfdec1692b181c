import { closeTestSql, createAccount, csrf, exhaustedLoopbackAddress, ownLoopbackAddress, postSignIn, request, requestFrom, testSql } from "../support/api";
import { LOGIN_LIMITS } from "@/lib/accounts/login-throttle";

afterAll(closeTestSql);

// Each test signs in from a loopback address of its own, so no other test's failures count here.
describe("login throttling", () => {
  it("slows repeated failures for an account, then refuses with 429 even the right password", async () => {
    const from = exhaustedLoopbackAddress();
    const acct = await createAccount();
    const durations: number[] = [];
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      const t0 = performance.now();
      const { res } = await postSignIn(acct.username, `wrong-${i}`, { from });
      durations.push(performance.now() - t0);
      expect(res.status).toBe(401);
    }
    // attempts after the first few are held back (250 ms more per failure)
    expect(Math.min(...durations.slice(LOGIN_LIMITS.slowAfter + 1))).toBeGreaterThan(250);

    const { res } = await postSignIn(acct.username, acct.password, { from });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await res.json();
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toMatch(/Too many failed sign-ins\. Try again in \d+ minutes?\./);
    expect(await testSql()`select id from sessions where user_id = ${acct.id}`).toHaveLength(0);

    // the same account from another address is not locked out by this attacker
    expect((await postSignIn(acct.username, acct.password, { from: ownLoopbackAddress() })).res.status).toBe(200);
  }, 60_000);

  it("throttles unknown usernames exactly like real ones", async () => {
    const from = exhaustedLoopbackAddress();
    const ghost = `ghost_${Date.now()}`;
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      expect((await postSignIn(ghost, "whatever-pass", { from })).res.status).toBe(401);
    }
    expect((await postSignIn(ghost, "whatever-pass", { from })).res.status).toBe(429);
  }, 60_000);

  it("refuses an address that fails across many accounts, and only that address", async () => {
    const from = exhaustedLoopbackAddress();
    const acct = await createAccount();
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) {
      expect((await postSignIn(`spray_${i}_${Date.now()}`, "password1", { from })).res.status).toBe(401);
    }
    expect((await postSignIn(acct.username, acct.password, { from })).res.status).toBe(429);
    expect((await postSignIn(acct.username, acct.password, { from: ownLoopbackAddress() })).res.status).toBe(200);
  }, 120_000);

  it("counts the username and the email of one account as one, in any letter case", async () => {
    const from = exhaustedLoopbackAddress();
    const acct = await createAccount();
    const logins = [acct.username, acct.email.toUpperCase(), acct.username.toUpperCase(), acct.email];
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      expect((await postSignIn(logins[i % logins.length], `wrong-${i}`, { from })).res.status).toBe(401);
    }
    for (const login of logins) expect((await postSignIn(login, acct.password, { from })).res.status).toBe(429);
  }, 60_000);

  it("evaluates at most 10 of 40 parallel wrong attempts, and refuses the rest at once", async () => {
    const from = exhaustedLoopbackAddress();
    const acct = await createAccount();
    const tokens = await Promise.all(Array.from({ length: 40 }, () => csrf()));
    const results = await Promise.all(
      tokens.map(async (c, i) => {
        const body = new URLSearchParams({ login: acct.username, password: `wrong-${i}`, csrfToken: c.token, json: "true" }).toString();
        const t0 = performance.now();
        const res = await requestFrom(from, "/api/auth/callback/credentials", "POST", { "content-type": "application/x-www-form-urlencoded", cookie: c.cookie }, body);
        return { status: res.status, ms: performance.now() - t0 };
      }),
    );
    const failed = results.filter((r) => r.status === 401);
    const refused = results.filter((r) => r.status === 429);
    expect(failed).toHaveLength(LOGIN_LIMITS.perAccount);
    expect(refused).toHaveLength(40 - LOGIN_LIMITS.perAccount);
    // The slow-down follows the reserved count even within one burst: the 10th attempt waits 1.75 s
    // before it is verified, while the refused ones never wait for a verification.
    const slowest401 = Math.max(...failed.map((r) => r.ms));
    expect(slowest401).toBeGreaterThan(1750);
    expect(Math.max(...refused.map((r) => r.ms))).toBeLessThan(slowest401);
  }, 60_000);

  it("does not spend the address's budget on successful sign-ins", async () => {
    const from = exhaustedLoopbackAddress();
    const acct = await createAccount();
    for (let i = 0; i < LOGIN_LIMITS.perAddress + 5; i += 5) {
      const statuses = await Promise.all(Array.from({ length: 5 }, async () => (await postSignIn(acct.username, acct.password, { from })).res.status));
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
    }
    expect((await postSignIn(acct.username, "not the password", { from })).res.status).toBe(401);
  }, 180_000);
});

describe("the sign-in body", () => {
  const callback = "/api/auth/callback/credentials";

  it("refuses a body whose media type names JSON only in a parameter, so it never reaches next-auth", async () => {
    const acct = await createAccount();
    const c = await csrf();
    // Read as a form this names a decoy account; read as JSON, the real one with its right password.
    const body = JSON.stringify({ login: acct.username, password: acct.password, csrfToken: c.token, json: "true", x: "&login=decoy_name&password=x" });
    for (const type of ["text/plain; x=application/json", "text/plain;charset=utf-8;x=application/x-www-form-urlencoded", "application/jsonx", "application/json, text/plain", "multipart/form-data; boundary=application/json", ""]) {
      const res = await request(callback, { method: "POST", headers: { "content-type": type, cookie: c.cookie }, body });
      expect([400, 415]).toContain(res.status);
      const answer = await res.json();
      expect(answer.error).toEqual({ code: expect.any(String), message: expect.any(String) });
    }
    expect(await testSql()`select id from sessions where user_id = ${acct.id}`).toHaveLength(0);
  });

  it("verifies exactly the fields it parsed, whatever the media type's parameters say", async () => {
    const acct = await createAccount();
    for (const [type, encode] of [
      ["Application/JSON; charset=UTF-8", (f: Record<string, string>) => JSON.stringify(f)],
      ["application/x-www-form-urlencoded; x=application/json", (f: Record<string, string>) => new URLSearchParams(f).toString()],
    ] as const) {
      const c = await csrf();
      const res = await request(callback, { method: "POST", headers: { "content-type": type, cookie: c.cookie }, body: encode({ login: acct.email.toUpperCase(), password: acct.password, csrfToken: c.token, json: "true" }) });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().some((line) => line.startsWith("next-auth.session-token="))).toBe(true);
    }
    expect(await testSql()`select id from sessions where user_id = ${acct.id}`).toHaveLength(2);
  });

  it("reads a chunked body without Content-Length, within the same size limit", async () => {
    const acct = await createAccount();
    const c = await csrf();
    const chunked = (fields: Record<string, string>) =>
      new ReadableStream({
        start(controller) {
          const text = new URLSearchParams(fields).toString();
          for (let i = 0; i < text.length; i += 16) controller.enqueue(new TextEncoder().encode(text.slice(i, i + 16)));
          controller.close();
        },
      });
    const send = (fields: Record<string, string>) =>
      request(callback, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: c.cookie }, body: chunked(fields), duplex: "half" } as RequestInit);
    expect((await send({ login: acct.username, password: acct.password, csrfToken: c.token, json: "true" })).status).toBe(200);
    const tooBig = await send({ login: acct.username, password: acct.password, csrfToken: c.token, json: "true", pad: "p".repeat(8 * 1024) });
    expect(tooBig.status).toBe(413);
  });
});
