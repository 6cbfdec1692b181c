import { closeTestSql, createAccount, ownLoopbackAddress, postSignIn, testSql } from "../support/api";
import { LOGIN_LIMITS } from "@/lib/throttle";

afterAll(closeTestSql);

// Each test signs in from a loopback address of its own, so no other test's failures count here.
describe("login throttling", () => {
  it("slows repeated failures for an account, then refuses with 429 even the right password", async () => {
    const from = ownLoopbackAddress();
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
    const from = ownLoopbackAddress();
    const ghost = `ghost_${Date.now()}`;
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      expect((await postSignIn(ghost, "whatever-pass", { from })).res.status).toBe(401);
    }
    expect((await postSignIn(ghost, "whatever-pass", { from })).res.status).toBe(429);
  }, 60_000);

  it("refuses an address that fails across many accounts, and only that address", async () => {
    const from = ownLoopbackAddress();
    const acct = await createAccount();
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) {
      expect((await postSignIn(`spray_${i}_${Date.now()}`, "password1", { from })).res.status).toBe(401);
    }
    expect((await postSignIn(acct.username, acct.password, { from })).res.status).toBe(429);
    expect((await postSignIn(acct.username, acct.password, { from: ownLoopbackAddress() })).res.status).toBe(200);
  }, 120_000);
});
