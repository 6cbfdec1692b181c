import { closeTestSql, createAccount, ownLoopbackAddress, postSignIn, request, signIn, testSql } from "../support/api";

afterAll(closeTestSql);

const ROUNDS = 20;

interface Attempt {
  status: number;
  cookie: string;
}

/** `workers` attackers signing in with `password` back to back from one address, until stopped. */
function attack(login: string, password: string, workers = 3) {
  const from = ownLoopbackAddress();
  const results: Attempt[] = [];
  let stopped = false;
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      const { res, cookie } = await postSignIn(login, password, { from });
      await res.arrayBuffer();
      results.push({ status: res.status, cookie });
    }
  });
  return {
    results,
    async stop(): Promise<Attempt[]> {
      stopped = true;
      await Promise.all(loops);
      return results;
    },
  };
}

async function until(done: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function dbNow(): Promise<Date> {
  const [{ now }] = await testSql()`select clock_timestamp() as now`;
  return now as Date;
}

/** Every cookie the attacker got from a successful sign-in, checked against a live endpoint. */
async function liveAttackerCookies(results: Attempt[]): Promise<number> {
  const statuses = await Promise.all(results.filter((r) => r.status === 200).map(async (r) => (await request("/api/me", { cookie: r.cookie })).status));
  return statuses.filter((s) => s !== 401).length;
}

describe("a credential change beats sign-ins in flight", () => {
  it("leaves no session verified against the old password once the password is changed", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const acct = await createAccount();
      const owner = await signIn(acct.username, acct.password);
      const attacker = attack(acct.username, acct.password);
      // Change at a different point of the attacker's rhythm each round.
      await until(() => attacker.results.length >= 1 + (round % 3));
      const change = await request("/api/me/password", { method: "POST", cookie: owner, json: { currentPassword: acct.password, newPassword: `brand new secret ${round}` } });
      const changedAt = await dbNow();
      const seen = attacker.results.length;
      await until(() => attacker.results.length >= seen + 3);
      const results = await attacker.stop();

      expect(change.status).toBe(200);
      expect(results.filter((r) => ![200, 401, 429].includes(r.status))).toEqual([]);
      const live = await testSql()`select id from sessions where user_id = ${acct.id} and revoked_at is null`;
      expect(live).toHaveLength(1); // the owner's
      expect((await request("/api/me", { cookie: owner })).status).toBe(200);
      expect(await testSql()`select id from sessions where user_id = ${acct.id} and created_at > ${changedAt}`).toEqual([]);
      expect(await liveAttackerCookies(results)).toBe(0);
    }
  }, 300_000);

  it("answers sign-ins racing an account deletion with 401, never 500, and leaves no session", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const acct = await createAccount();
      const owner = await signIn(acct.username, acct.password);
      const attacker = attack(acct.username, acct.password);
      await until(() => attacker.results.length >= 1 + (round % 3));
      const deletion = await request("/api/me", { method: "DELETE", cookie: owner, json: { password: acct.password } });
      const seen = attacker.results.length;
      await until(() => attacker.results.length >= seen + 3);
      const results = await attacker.stop();

      expect(deletion.status).toBe(204);
      expect(results.filter((r) => ![200, 401, 429].includes(r.status))).toEqual([]);
      expect(await testSql()`select id from sessions where user_id = ${acct.id}`).toEqual([]);
      expect(await liveAttackerCookies(results)).toBe(0);
    }
  }, 300_000);

  it("answers two deletions of one account at once with one 204 and one 401, never the password error", async () => {
    for (let round = 0; round < 10; round++) {
      const acct = await createAccount();
      const cookie = await signIn(acct.username, acct.password);
      const del = () => request("/api/me", { method: "DELETE", cookie, json: { password: acct.password } });
      const answers = await Promise.all([del(), del()]);
      const statuses = answers.map((r) => r.status).sort();
      const bodies = await Promise.all(answers.map((r) => r.text()));
      expect([round, statuses, bodies.filter((b) => /Wrong password/.test(b))]).toEqual([round, [204, 401], []]);
      expect(await testSql()`select id from users where id = ${acct.id}`).toEqual([]);
    }
  }, 300_000);

  it("lets exactly one of two concurrent password changes win", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const acct = await createAccount();
      const devices = [await signIn(acct.username, acct.password), await signIn(acct.username, acct.password)];
      const passwords = [`first new secret ${round}`, `second new secret ${round}`];
      const statuses = await Promise.all(
        devices.map(async (cookie, i) => (await request("/api/me/password", { method: "POST", cookie, json: { currentPassword: acct.password, newPassword: passwords[i] } })).status),
      );

      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => [200, 401, 403].includes(s))).toBe(true);
      const winner = statuses.indexOf(200);
      const from = ownLoopbackAddress();
      expect((await postSignIn(acct.username, passwords[winner], { from })).res.status).toBe(200);
      expect((await postSignIn(acct.username, passwords[1 - winner], { from })).res.status).toBe(401);
      expect((await request("/api/me", { cookie: devices[winner] })).status).toBe(200);
      expect((await request("/api/me", { cookie: devices[1 - winner] })).status).toBe(401);
    }
  }, 300_000);

  it("lets only one of a password change and an account deletion racing each other win", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const acct = await createAccount();
      const [changer, deleter] = [await signIn(acct.username, acct.password), await signIn(acct.username, acct.password)];
      const [change, deletion] = await Promise.all([
        request("/api/me/password", { method: "POST", cookie: changer, json: { currentPassword: acct.password, newPassword: `brand new secret ${round}` } }),
        request("/api/me", { method: "DELETE", cookie: deleter, json: { password: acct.password } }),
      ]);

      expect([change.status === 200, deletion.status === 204].filter(Boolean)).toHaveLength(1);
      expect([change.status, deletion.status].every((s) => [200, 204, 401, 403].includes(s))).toBe(true);
      // the account gone under the change is a signed-out answer, never "Wrong password"
      if (deletion.status === 204) expect([round, change.status]).toEqual([round, 401]);
      const [row] = await testSql()`select id from users where id = ${acct.id}`;
      if (deletion.status === 204) {
        expect(row).toBeUndefined();
      } else {
        expect(row).toBeDefined();
        expect((await postSignIn(acct.username, `brand new secret ${round}`, { from: ownLoopbackAddress() })).res.status).toBe(200);
      }
    }
  }, 300_000);
});
