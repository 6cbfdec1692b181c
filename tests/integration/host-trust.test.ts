/**
 * Forwarding headers (X-Forwarded-Host, X-Forwarded-Proto, Forwarded) are believed only from
 * trusted proxies (TRUST_PROXY): a client cannot make next-auth build URLs or cookies on its own
 * host, nor pass the origin check by naming its own host.
 */
import fs from "node:fs";
import path from "node:path";
import { io } from "socket.io-client";
import { freePort } from "@/db/embedded";
import { baseUrl, closeTestSql, createAccount, mergeCookies, request, signIn } from "../support/api";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import type { ClientSocket } from "../support/sockets";

afterAll(closeTestSql);

/** next-auth's csrf round trip and a credentials sign-in against `base`, every request carrying `headers`. */
async function signInVia(base: string, login: string, password: string, headers: Record<string, string>) {
  const csrfRes = await fetch(`${base}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = mergeCookies("", csrfRes);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ login, password, csrfToken, json: "true" }).toString(),
  });
  const setCookies = [...csrfRes.headers.getSetCookie(), ...res.headers.getSetCookie()].map(decodeURIComponent);
  return { status: res.status, body: (await res.json()) as { url: string }, setCookies, cookie: mergeCookies(jar, res) };
}

const lie = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", forwarded: "host=evil.example;proto=https" };

describe("with TRUST_PROXY=0 and NEXTAUTH_URL unset", () => {
  it("signs in on the real host whatever X-Forwarded-Host, -Proto or Forwarded say, and sets no cookie naming another host", async () => {
    const acct = await createAccount();
    const own = new URL(baseUrl()).origin;
    const ok = await signInVia(baseUrl(), acct.username, acct.password, lie);
    expect(ok.status).toBe(200);
    expect(ok.body.url.startsWith(`${own}/`) || ok.body.url === own).toBe(true);
    expect(ok.cookie).toContain("next-auth.session-token=");
    expect(ok.setCookies.join("\n")).not.toContain("evil.example");
    expect(ok.setCookies.join("\n")).not.toContain("https:");
    // a refused sign-in's url (the error shape's) is on the real host too
    const refused = await signInVia(baseUrl(), acct.username, "wrong password", lie);
    expect(refused.status).toBe(401);
    expect(refused.body.url).toBe(`${own}/login?error=unauthorized`);
    expect(refused.setCookies.join("\n")).not.toContain("evil.example");
  });

  it("refuses a state-changing request from Origin http://evil.example that names evil.example in X-Forwarded-Host", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const res = await request("/api/me", { method: "PATCH", cookie, json: { bio: "pwned" }, headers: { origin: "http://evil.example", "x-forwarded-host": "evil.example" } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  });

  it("refuses the right host with the wrong scheme, also when the client claims X-Forwarded-Proto: https", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const host = new URL(baseUrl()).host;
    const variants: Record<string, string>[] = [{ origin: `https://${host}` }, { origin: `https://${host}`, "x-forwarded-proto": "https" }];
    for (const headers of variants) {
      const res = await request("/api/me", { method: "PATCH", cookie, json: { bio: "pwned" }, headers });
      expect([headers, res.status]).toEqual([headers, 403]);
    }
    const own = await request("/api/me", { method: "PATCH", cookie, json: { bio: "mine" }, headers: { origin: `http://${host}`, "x-forwarded-proto": "https" } });
    expect(own.status).toBe(200);
  });
});

describe("behind TRUST_PROXY=1", () => {
  let node: ServerProcess;
  const dataDir = path.resolve(__dirname, "../../.data", `host-trust-${process.pid}`);
  beforeAll(async () => {
    node = await startServerProcess(await freePort(), { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: dataDir, TRUST_PROXY: "1", NEXTAUTH_URL: undefined });
  }, 120_000);
  afterAll(async () => {
    await node?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // what a proxy at https://chat.example forwards; the client wrote the first entries, the proxy appended the last
  const proxied = { "x-forwarded-host": "evil.example, chat.example", "x-forwarded-proto": "http, https" };

  it("believes the host and scheme the proxy forwarded, not those the client wrote", async () => {
    const acct = await createAccount();
    const signedIn = await signInVia(node.url, acct.username, acct.password, proxied);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.url).toMatch(/^https:\/\/chat\.example(\/|$)/);
    expect(signedIn.setCookies.join("\n")).not.toContain("evil.example");

    const patch = (origin: string) =>
      fetch(`${node.url}/api/me`, { method: "PATCH", headers: { ...proxied, origin, cookie: signedIn.cookie, "content-type": "application/json" }, body: JSON.stringify({ bio: origin }) });
    expect((await patch("https://chat.example")).status).toBe(200);
    for (const origin of ["http://chat.example", "https://evil.example", node.url]) expect([origin, (await patch(origin)).status]).toEqual([origin, 403]);
  });

  it("takes the host and scheme from a trusted Forwarded element too", async () => {
    const acct = await createAccount();
    const signedIn = await signInVia(node.url, acct.username, acct.password, { forwarded: 'host=evil.example;proto=http, for=198.51.100.7;host="chat.example";proto=https' });
    expect(signedIn.body.url).toMatch(/^https:\/\/chat\.example(\/|$)/);
  });

  it.each(["websocket", "polling"] as const)("accepts the forwarded origin in the socket handshake, and only that one (%s)", async (transport) => {
    const acct = await createAccount();
    const { cookie } = await signInVia(node.url, acct.username, acct.password, proxied);
    const attempt = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket: ClientSocket = io(node.url, { path: "/socket.io", transports: [transport], extraHeaders: { ...proxied, origin, cookie }, reconnection: false, forceNew: true });
        socket.once("connect", () => (socket.disconnect(), resolve("connected")));
        socket.once("connect_error", (err) => (socket.disconnect(), resolve(err.message)));
      });
    await expect(attempt("https://chat.example")).resolves.toBe("connected");
    await expect(attempt(node.url)).resolves.toBe("forbidden");
    await expect(attempt("https://evil.example")).resolves.toBe("forbidden");
  });
});
