import fs from "node:fs";
import path from "node:path";
import { freePort } from "@/db/embedded";
import { closeTestSql, createAccount, ownLoopbackAddress, request, requestFrom, signIn, uniqueName } from "../support/api";
import { startServerProcess } from "../support/server-process";

afterAll(closeTestSql);

function registration() {
  const username = uniqueName("lim");
  return JSON.stringify({ username, email: `${username}@example.test`, password: "limit me please", displayName: "Limited" });
}

/** Registers from the local address `from`, claiming (in X-Forwarded-For) to be someone else each time. */
function register(from: string) {
  const spoofed = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
  return requestFrom(from, "/api/users", "POST", { "content-type": "application/json", "x-forwarded-for": spoofed }, registration());
}

describe("rate limits", () => {
  it("refuses a 21st registration within the hour from one address, with Retry-After (X-Forwarded-For is not believed)", async () => {
    const from = ownLoopbackAddress();
    for (let i = 0; i < 20; i++) expect((await register(from)).status).toBe(201);
    const res = await register(from);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await res.json()).error).toMatchObject({ code: "rate_limited", retryAfter: expect.any(Number) });
    expect((await register(ownLoopbackAddress())).status).toBe(201); // other addresses are unaffected
  }, 60_000);

  it("behind TRUST_PROXY=1, counts per address the proxy forwarded, not per proxy", async () => {
    const dataDir = path.resolve(__dirname, "../../.data", `proxy-${process.pid}`);
    const node = await startServerProcess(await freePort(), { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: dataDir, TRUST_PROXY: "1" });
    try {
      // what the client wrote into the header (left) is ignored; the proxy's entry (right) counts
      const via = (client: string, claimed: string) =>
        fetch(`${node.url}/api/users`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `${claimed}, ${client}` }, body: registration() });
      for (let i = 0; i < 20; i++) expect((await via("198.51.100.7", `203.0.113.${i}`)).status).toBe(201);
      expect((await via("198.51.100.7", "203.0.113.99")).status).toBe(429);
      expect((await via("198.51.100.8", "203.0.113.99")).status).toBe(201);
    } finally {
      await node.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses directory searches past 120 a minute for one user", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++) statuses.push((await request(`/api/users?q=x${i}`, { cookie })).status);
    expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true);
    expect(statuses[120]).toBe(429);
    const other = await createAccount();
    expect((await request("/api/users?q=x", { cookie: await signIn(other.username, other.password) })).status).toBe(200);
  }, 60_000);
});
