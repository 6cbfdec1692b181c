/**
 * next-auth's endpoints behind Parley's guard (lib/http/next-auth-guard.ts): only the actions Parley uses,
 * with the methods it uses them with; hostile queries, bodies and cookies refused in the error shape;
 * `_log` closed, so nobody writes into the server log; the server's own log lines stay one line each.
 */
import fs from "node:fs";
import path from "node:path";
import { freePort } from "@/db/embedded";
import { baseUrl, closeTestSql, createAccount, csrf, postSignIn, request } from "../support/api";
import { rawRequest } from "../support/raw-http";
import { startServerProcess } from "../support/server-process";

jest.setTimeout(180_000);
afterAll(closeTestSql);

async function expectErrorShape(res: Response, status: number, code: string) {
  expect([res.url, res.status]).toEqual([res.url, status]);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
}

describe("next-auth endpoints", () => {
  it("answers the endpoints Parley uses as before", async () => {
    expect((await request("/api/auth/csrf")).status).toBe(200);
    expect((await request("/api/auth/session")).status).toBe(200);
    expect((await request("/api/auth/providers")).status).toBe(200);
    const signin = await request("/api/auth/signin?callbackUrl=%2Fpeople");
    expect(signin.status).toBe(302);
    expect(new URL(signin.headers.get("location")!, baseUrl()).pathname).toBe("/login");
    const error = await request("/api/auth/error?error=Configuration");
    expect(error.status).toBe(302);
    expect(new URL(error.headers.get("location")!, baseUrl()).search).toBe("?error=Configuration");
    const acct = await createAccount();
    const { res } = await postSignIn(acct.username, acct.password);
    expect(res.status).toBe(200);
  });

  it("answers GET /api/auth/callback/credentials with 405 and Allow, not 500", async () => {
    const res = await request("/api/auth/callback/credentials");
    expect(res.headers.get("allow")).toBe("POST");
    await expectErrorShape(res, 405, "method_not_allowed");
  });

  it.each([
    ["GET", "/api/auth/signout"],
    ["POST", "/api/auth/csrf"],
    ["POST", "/api/auth/session"],
    ["POST", "/api/auth/signin"],
    ["POST", "/api/auth/error"],
    ["PUT", "/api/auth/session"],
    ["DELETE", "/api/auth/callback/credentials"],
    ["PATCH", "/api/auth/csrf"],
  ])("answers %s %s (a used endpoint, another method) with 405 in the error shape", async (method, p) => {
    const res = await request(p, { method });
    expect(res.headers.get("allow")).toBeTruthy();
    await expectErrorShape(res, 405, "method_not_allowed");
  });

  it.each(["_log", "verify-request", "callback", "callback/github", "signin/credentials", "webauthn-options", "csrf/extra", "nope"])("answers /api/auth/%s (not used by Parley) with 404 for GET and POST", async (action) => {
    for (const method of ["GET", "POST"]) await expectErrorShape(await request(`/api/auth/${action}`, { method }), 404, "not_found");
  });

  it.each([
    "/api/auth/error?error=%0d%0aSet-Cookie:%20x=1",
    "/api/auth/error?error=%E2%80%A8",
    `/api/auth/error?error=${"A".repeat(3000)}`,
    "/api/auth/signin?callbackUrl=%0d%0a",
    "/api/auth/signin?callbackUrl=javascript:alert(1)",
    "/api/auth/signin?callbackUrl=%2F%2Fevil.example",
    "/api/auth/csrf?callbackUrl=http://x/%0d%0aLocation:%20http://evil",
    "/api/auth/session?callbackUrl=%C3%A9",
  ])("refuses the hostile query %s with 400 in the error shape", async (p) => {
    await expectErrorShape(await request(p), 400, "bad_request");
  });

  it("refuses a hostile callbackUrl in the sign-in body with 400, and an invalid JSON body with 400", async () => {
    const c = await csrf();
    for (const callbackUrl of ["/\r\nx", "javascript:alert(1)", "http://a/\u00e9"]) {
      const body = new URLSearchParams({ login: "x", password: "y", csrfToken: c.token, json: "true", callbackUrl }).toString();
      await expectErrorShape(await request("/api/auth/callback/credentials", { method: "POST", cookie: c.cookie, headers: { "content-type": "application/x-www-form-urlencoded" }, body }), 400, "bad_request");
    }
    const res = await request("/api/auth/signout", { method: "POST", cookie: c.cookie, headers: { "content-type": "application/json" }, body: "{" });
    await expectErrorShape(res, 400, "bad_request");
    const nonString = await request("/api/auth/signout", { method: "POST", cookie: c.cookie, json: { csrfToken: c.token, callbackUrl: 42 } });
    await expectErrorShape(nonString, 400, "bad_request");
  });

  it("reads a sign-out body one way only: other media types, and a form whose parameters name JSON (next-auth would read it as JSON), are 400", async () => {
    const acct = await createAccount();
    const { cookie } = await postSignIn(acct.username, acct.password);
    const c = await csrf(cookie);
    const form = new URLSearchParams({ csrfToken: c.token, json: "true", callbackUrl: "/x" }).toString();
    for (const type of ["text/plain", "application/x-www-form-urlencoded; x=application/json", "Application/X-WWW-Form-Urlencoded", "multipart/form-data; boundary=x"]) {
      await expectErrorShape(await request("/api/auth/signout", { method: "POST", cookie: c.cookie, headers: { "content-type": type }, body: form }), 400, "bad_request");
    }
    // the same body as a plain form signs out
    expect((await request("/api/auth/signout", { method: "POST", cookie: c.cookie, headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" }, body: form })).status).toBe(200);
  });

  it.each([
    ["a callback URL with CR/LF", "next-auth.callback-url=http%3A%2F%2Fx%2F%0D%0ALocation%3A%20evil"],
    ["a callback URL that is not a URL", "next-auth.callback-url=%01%02"],
    ["an undecodable value", "next-auth.csrf-token=%E0%A4%A"],
    ["a NUL in the CSRF cookie", "next-auth.csrf-token=abc%00def"],
    ["a session chunk that is not a number", "next-auth.session-token.x=abc"],
    ["a session token with a space", "next-auth.session-token=a%20b"],
    ["raw UTF-8 in a session chunk's name", "next-auth.session-token.\u00c3\u00a9=abc"],
    ["a huge session chunk", `next-auth.session-token.1=${"a".repeat(5000)}`],
  ])("refuses %s with 400 and clears that cookie", async (_what, cookie) => {
    const res = await rawRequest({ method: "GET", path: "/api/auth/session", headers: { cookie } });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe("bad_request");
    const name = cookie.slice(0, cookie.indexOf("="));
    if (/^[\x21-\x7e]+$/.test(name)) expect(String(res.headers["set-cookie"])).toContain(`${name}=;`);
  });

  it("lets garbage of the right alphabet through to next-auth, which clears it (signed out, no 500)", async () => {
    // (and other apps' cookies that merely mention next-auth are none of its business)
    const res = await request("/api/auth/session", { cookie: "next-auth.session-token.0=abc.def; next-auth.session-token.1=ghi; my-next-auth-pref=%0D%0A" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });
});

describe("_log and the server log", () => {
  it("refuses posts to _log fast: 404 for a forged line, 413 for 10 MB", async () => {
    const forged = new URLSearchParams({ level: "error", code: "X\r\n[parley] forged line", message: "a\r\nb" }).toString();
    const small = await rawRequest({ method: "POST", path: "/api/auth/_log", headers: { "content-type": "application/x-www-form-urlencoded" }, chunks: [forged], contentLength: Buffer.byteLength(forged) });
    expect(small.status).toBe(404);
    expect(JSON.parse(small.body).error.code).toBe("not_found");
    const tenMb = Buffer.alloc(10 * 1024 * 1024, "a");
    for (const framing of [{ contentLength: tenMb.length }, {}]) {
      const big = await rawRequest({ method: "POST", path: "/api/auth/_log", headers: { "content-type": "application/x-www-form-urlencoded" }, chunks: [`level=error&code=`, tenMb], ...framing, timeoutMs: 5000 });
      expect(big.status).toBe(413);
      expect(JSON.parse(big.body).error.code).toBe("payload_too_large");
      expect(big.ms).toBeLessThan(3000);
    }
  });

  it("keeps the server log one line per event whatever a client sends", async () => {
    const dataDir = path.resolve(__dirname, "../../.data", `log-${process.pid}`);
    const node = await startServerProcess(await freePort(), { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: dataDir });
    try {
      const forged = new URLSearchParams({ level: "error", code: "X\r\n[parley] forged by _log", message: "a\nb" }).toString();
      const headers = { "content-type": "application/x-www-form-urlencoded" };
      expect((await fetch(`${node.url}/api/auth/_log`, { method: "POST", headers, body: forged })).status).toBe(404);
      expect((await fetch(`${node.url}/api/auth/_log`, { method: "POST", headers, body: `level=warn&code=${"z".repeat(4000)}` })).status).toBe(404);
      // requests that make the server log something, each carrying CR/LF in what it sends
      await fetch(`${node.url}/api/auth/session`, { headers: { cookie: "next-auth.session-token=not.a.jwt%0D%0A[parley]%20forged%20by%20cookie" } });
      await fetch(`${node.url}/api/auth/error?error=x%0D%0A[parley]%20forged%20by%20query`);
      await new Promise((r) => setTimeout(r, 500));
      const out = node.output();
      expect(out).not.toMatch(/^\[parley\] forged/m);
      expect(out.length).toBeLessThan(64 * 1024);
      expect((await fetch(`${node.url}/api/health`)).status).toBe(200);
    } finally {
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
