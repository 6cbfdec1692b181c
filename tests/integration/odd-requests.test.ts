/**
 * Requests an attack pass sent after the first round of fixes: each was a bare 500, a page without
 * the CSP, a forged log line or a way around the sign-in's throttle. Each now has a plain answer.
 */
import { closeTestSql, createAccount, csrf, request, signIn } from "../support/api";
import { rawRequest } from "../support/raw-http";

afterAll(closeTestSql);

async function expectError(res: { status: number; body: string } | Response, status: number, code: string) {
  const text = res instanceof Response ? await res.text() : res.body;
  expect([status, code]).toEqual([res.status, JSON.parse(text).error.code]);
}

describe("odd requests", () => {
  it("answers methods Next cannot serve (TRACE, PROPFIND) with 405 in the error shape, not 500", async () => {
    for (const method of ["TRACE", "PROPFIND"]) {
      for (const path of ["/api/health", "/login", "/"]) await expectError(await rawRequest({ method, path }), 405, "method_not_allowed");
    }
  });

  it("answers a garbled Next-Router-State-Tree with 400, not 500", async () => {
    for (const path of ["/nonexistent", "/login", "/apix"]) {
      await expectError(await request(path, { headers: { RSC: "1", "Next-Router-State-Tree": "garbage" } }), 400, "bad_request");
    }
    // a well-formed header is Next's to judge (it answers, or redirects a tree it does not know)
    const tree = encodeURIComponent(JSON.stringify(["", { children: ["__PAGE__", {}] }, null, null, true]));
    const res = await request("/login", { headers: { RSC: "1", "Next-Router-State-Tree": tree } });
    expect([200, 307]).toContain(res.status);
  });

  it("answers an API path with a trailing slash (or a dot segment a client folds into one) with 404 in the error shape, not Next's 308", async () => {
    const account = await createAccount();
    const cookie = await signIn(account.username, account.password);
    for (const path of ["/api/users/.", "/api/users/", "/api/conversations/", "/api/", "/api/health/?x=1"]) {
      for (const method of ["GET", "POST"]) await expectError(await request(path, { method, cookie }), 404, "not_found");
    }
  });

  it("does not serve Next's image endpoint, which logs the raw url it is given", async () => {
    await expectError(await request("/_next/image?url=/icon.svg%0A%5Bparley%5D%20FAKE%20LINE&w=64&q=75"), 404, "not_found");
  });

  it("puts the page policy on every page, those whose path merely starts like an excluded one too", async () => {
    for (const path of ["/apix", "/api-docs", "/apix/y", "/favicon.icox", "/_next/imagefoo"]) {
      for (const headers of [{}, { Purpose: "prefetch" }, { "Next-Router-Prefetch": "1", RSC: "1" }] as Record<string, string>[]) {
        const res = await request(path, { headers });
        expect([path, res.headers.get("content-security-policy")]).toEqual([path, expect.stringContaining("script-src 'self' 'nonce-")]);
      }
    }
  });

  it("does not let %2F join two auth path segments into the sign-in's, which bypassed its throttle", async () => {
    const acct = await createAccount();
    const c = await csrf();
    const body = new URLSearchParams({ login: acct.username, password: acct.password, csrfToken: c.token, json: "true" }).toString();
    const res = await request("/api/auth/callback%2Fcredentials", { method: "POST", cookie: c.cookie, headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    await expectError(res, 404, "not_found");
  });
});
