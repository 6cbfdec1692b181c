/** Helpers for tests that talk to the running test server over HTTP. */
import { randomBytes, randomInt } from "node:crypto";
import http from "node:http";
import postgres from "postgres";

export function baseUrl(): string {
  const url = process.env.PARLEY_TEST_URL;
  if (!url) throw new Error("PARLEY_TEST_URL is not set: run server-backed tests through jest (global setup)");
  return url;
}

let sqlClient: postgres.Sql | undefined;
/** Direct database access, for asserting what was (or was not) stored. */
export function testSql(): postgres.Sql {
  sqlClient ??= postgres(process.env.PARLEY_TEST_DATABASE_URL!, { max: 2, onnotice: () => {} });
  return sqlClient;
}
export async function closeTestSql(): Promise<void> {
  await sqlClient?.end();
  sqlClient = undefined;
}

/** A username nobody else in this run has. */
export function uniqueName(prefix = "u"): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

export interface TestAccount {
  id: string;
  username: string;
  email: string;
  password: string;
  displayName: string;
}

export async function request(path: string, init: RequestInit & { cookie?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("cookie", init.cookie);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return fetch(`${baseUrl()}${path}`, { ...init, headers, body, redirect: "manual" });
}

export async function createAccount(overrides: Partial<TestAccount> = {}): Promise<TestAccount> {
  const username = overrides.username ?? uniqueName();
  const account = {
    username,
    email: overrides.email ?? `${username}@example.test`,
    password: overrides.password ?? "correct horse battery",
    displayName: overrides.displayName ?? `Test ${username}`,
  };
  // Each registration comes from a loopback address of its own, so the suite's many sign-ups do not
  // trip the per-address registration limit (tests/integration/limits.test.ts checks that limit).
  const res = await requestFrom(ownLoopbackAddress(), "/api/users", "POST", { "content-type": "application/json" }, JSON.stringify(account));
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  return { ...account, id: user.id };
}

/** Collects Set-Cookie values into a Cookie header, on top of an existing one. */
export function mergeCookies(existing: string, res: Response): string {
  const jar = new Map(existing.split(/;\s*/).filter(Boolean).map((c) => c.split("=", 2) as [string, string]));
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value === "" || /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

export async function csrf(cookie = ""): Promise<{ token: string; cookie: string }> {
  const res = await request("/api/auth/csrf", { cookie });
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { token: csrfToken, cookie: mergeCookies(cookie, res) };
}

/** A loopback address of its own (127.0.0–254.2–254), so a test's client address is not shared. */
export function ownLoopbackAddress(): string {
  return `127.0.${randomInt(0, 255)}.${randomInt(2, 255)}`;
}

/**
 * A loopback address for a test that uses up a per-address limit (127.1.0–254.2–254): outside
 * ownLoopbackAddress's range, so no later test of the run draws an address already refused (the
 * registration limit's test once left one that the account of a race test drew: 429).
 */
export function exhaustedLoopbackAddress(): string {
  return `127.1.${randomInt(0, 255)}.${randomInt(2, 255)}`;
}

/** A minimal HTTP request from a chosen local address (fetch cannot choose one). */
export function requestFrom(localAddress: string, path: string, method: string, headers: Record<string, string>, body?: string): Promise<Response> {
  const url = new URL(path, baseUrl());
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) h.append(k, String(one));
        resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode, headers: h }));
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Posts to next-auth's credentials callback, as the sign-in form does (optionally from `from`). */
export async function postSignIn(login: string, password: string, opts: { from?: string } = {}): Promise<{ res: Response; cookie: string }> {
  const c = await csrf();
  const headers = { "content-type": "application/x-www-form-urlencoded", cookie: c.cookie };
  const body = new URLSearchParams({ login, password, csrfToken: c.token, json: "true" }).toString();
  const res = opts.from
    ? await requestFrom(opts.from, "/api/auth/callback/credentials", "POST", headers, body)
    : await request("/api/auth/callback/credentials", { method: "POST", headers, body });
  return { res, cookie: mergeCookies(c.cookie, res) };
}

/** Signs in and returns the session cookie header. */
export async function signIn(login: string, password: string): Promise<string> {
  const { res, cookie } = await postSignIn(login, password);
  if (res.status !== 200 || !cookie.includes("next-auth.session-token")) {
    throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  }
  return cookie;
}

export async function signOut(cookie: string): Promise<Response> {
  const c = await csrf(cookie);
  return request("/api/auth/signout", {
    method: "POST",
    cookie: c.cookie,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: c.token, json: "true" }).toString(),
  });
}
