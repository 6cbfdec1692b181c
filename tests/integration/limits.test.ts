import { closeTestSql, createAccount, ownLoopbackAddress, request, requestFrom, signIn, uniqueName } from "../support/api";

afterAll(closeTestSql);

function register(from: string) {
  const username = uniqueName("lim");
  const body = JSON.stringify({ username, email: `${username}@example.test`, password: "limit me please", displayName: "Limited" });
  return requestFrom(from, "/api/users", "POST", { "content-type": "application/json" }, body);
}

describe("rate limits", () => {
  it("refuses a 21st registration within the hour from one address, with Retry-After", async () => {
    const from = ownLoopbackAddress();
    for (let i = 0; i < 20; i++) expect((await register(from)).status).toBe(201);
    const res = await register(from);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await res.json()).error).toMatchObject({ code: "rate_limited", retryAfter: expect.any(Number) });
    expect((await register(ownLoopbackAddress())).status).toBe(201); // other addresses are unaffected
  }, 60_000);

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
