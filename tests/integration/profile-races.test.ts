/**
 * A profile change racing the account's deletion (found by an attack pass on issue 11): the change
 * either lands before the deletion or is refused as signed out (401) — never a 404 "No such user"
 * about one's own account, never a 500. docs/integrity.md, item 3.
 */
import { closeTestSql, createAccount, request, signIn } from "../support/api";

afterAll(closeTestSql);

const ROUNDS = 30;

describe("a profile change racing the account's deletion", () => {
  it("is applied before it or refused 401, never 404 or 500", async () => {
    const seen = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const acct = await createAccount();
      const cookie = await signIn(acct.username, acct.password);
      // ten changes spread across the deletion (which holds the user row while it runs), within LIMITS.profile
      const changes = Array.from({ length: 10 }, async (_, k) => {
        await new Promise((r) => setTimeout(r, (round % 5) * 2 + k * 12));
        const res = await request("/api/me", { method: "PATCH", cookie, json: { bio: `round ${round} change ${k}` } });
        await res.arrayBuffer();
        return res.status;
      });
      const del = await request("/api/me", { method: "DELETE", cookie, json: { password: acct.password } });
      expect([200, 204]).toContain(del.status);
      for (const s of await Promise.all(changes)) seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    const statuses = [...seen.keys()].sort();
    expect(statuses.filter((s) => s !== 200 && s !== 401)).toEqual([]);
    expect(seen.get(401)).toBeGreaterThan(0);
  });
});
