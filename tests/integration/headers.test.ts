import fs from "node:fs";
import path from "node:path";
import { freePort } from "@/db/embedded";
import { baseUrl, closeTestSql, createAccount, postSignIn, request } from "../support/api";
import { chatUser, createGroup } from "../support/chat";
import { signInAt } from "../support/nodes";
import { startServerProcess } from "../support/server-process";

jest.setTimeout(120_000);
afterAll(closeTestSql);

/** The sources scripts may come from: script-src, else default-src. */
function scriptSources(csp: string): string[] {
  const directives = new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name, sources]));
  return directives.get("script-src") ?? directives.get("default-src") ?? [];
}

describe("security headers and cookies", () => {
  let cookie = "";
  const signedInPages = ["/", "/people", "/settings", "/u/{username}", "/c/{group}"];
  const pages: Record<string, string> = {};
  beforeAll(async () => {
    const me = await chatUser();
    cookie = me.cookie;
    me.socket.disconnect();
    const group = await createGroup(me, "Headers", []);
    for (const page of signedInPages) pages[page] = page.replace("{username}", me.username).replace("{group}", group.id);
  });

  const anonymous: Array<[string, number]> = [["/login", 200], ["/register", 200], ["/api/health", 200], ["/api/users/nobody", 401]];
  it.each([...anonymous.map(([p, status]) => [p, status, false] as const), ...signedInPages.map((p) => [p, 200, true] as const)])("%s (%i) carries the security headers", async (page, status, signedIn) => {
    const res = await request(signedIn ? pages[page] : page, { cookie: signedIn ? cookie : undefined, redirect: "manual" });
    expect(res.status).toBe(status);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-eval"); // the test server runs the production build
    expect(scriptSources(csp)).not.toContain("'unsafe-inline'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("lets a page run only the scripts carrying this response's nonce, which Next's own scripts carry", async () => {
    const [first, second] = await Promise.all([request(pages["/"], { cookie }), request(pages["/"], { cookie })]);
    const nonces = [first, second].map((res) => /'nonce-([^']+)'/.exec(scriptSources(res.headers.get("content-security-policy") ?? "").join(" "))?.[1]);
    expect(nonces[0]).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(nonces[1]).not.toBe(nonces[0]);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonces[0]}"`))).toEqual([]);
  });

  const prefetchHeaders: Array<Record<string, string>> = [
    { purpose: "prefetch" },
    { "next-router-prefetch": "1" },
    { purpose: "prefetch", rsc: "1" },
    { "next-router-prefetch": "1", rsc: "1" },
    { "sec-purpose": "prefetch", rsc: "1" },
  ];
  const prefetchCases = [...["/login", "/register"].map((p) => [p, false] as const), ...signedInPages.map((p) => [p, true] as const)].flatMap(([page, signedIn]) =>
    prefetchHeaders.map((headers) => [page, Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join(", "), signedIn, headers] as const),
  );
  const withoutNonce = (csp: string | null) => (csp ?? "").replace(/'nonce-[^']+'/, "'nonce-…'");
  it.each(prefetchCases)("%s prefetched with %s carries the same page policy as a navigation", async (page, _label, signedIn, headers) => {
    const path = signedIn ? pages[page] : page;
    const c = signedIn ? cookie : undefined;
    const navigation = await request(path, { cookie: c });
    let res = await request(path, { cookie: c, headers });
    // Next sends an RSC request without its cache-busting `_rsc` parameter to the URL with one
    if (res.status === 307 && headers.rsc) res = await request(new URL(res.headers.get("location")!, baseUrl()).pathname + new URL(res.headers.get("location")!, baseUrl()).search, { cookie: c, headers });
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy");
    expect(withoutNonce(csp)).toBe(withoutNonce(navigation.headers.get("content-security-policy")));
    expect(scriptSources(csp ?? "")).toContain("'strict-dynamic'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    if ((res.headers.get("content-type") ?? "").includes("text/html")) {
      // a whole document: its scripts carry this response's nonce, so they run under the policy
      const nonce = /'nonce-([^']+)'/.exec(csp ?? "")![1];
      const scripts = [...(await res.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
    }
  });

  it("gives API answers a policy that allows nothing to run or frame them", async () => {
    const csp = (await request("/api/health")).headers.get("content-security-policy");
    expect(csp).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
  });

  it("sets the session cookie httpOnly and SameSite=Lax", async () => {
    const acct = await createAccount();
    const { res } = await postSignIn(acct.username, acct.password);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
  });

  it("names the session cookie __Secure- and marks it Secure when the public URL is https", async () => {
    const dataDir = path.resolve(__dirname, "../../.data", `https-${process.pid}`);
    const node = await startServerProcess(await freePort(), { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: dataDir, NEXTAUTH_URL: "https://parley.example" });
    try {
      const acct = await createAccount();
      const res = await signInAt(node, acct.username, acct.password);
      const session = res.headers.getSetCookie().find((c) => c.startsWith("__Secure-next-auth.session-token="));
      expect(session).toMatch(/;\s*Secure/i);
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Lax/i);
    } finally {
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
