import { createAccount, postSignIn, request } from "../support/api";

describe("security headers and cookies", () => {
  it.each(["/login", "/register", "/api/health"])("%s carries the security headers", async (path) => {
    const res = await request(path);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval"); // the test server runs the production build
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("sets the session cookie httpOnly and SameSite=Lax", async () => {
    const acct = await createAccount();
    const { res } = await postSignIn(acct.username, acct.password);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
  });
});
