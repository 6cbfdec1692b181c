/**
 * Creating conversations and adding people while someone involved deletes the account, and both
 * people of a pair starting their direct conversation at once (issue 11, item 3a; rules in
 * docs/integrity.md, "Item 3"). Real concurrent HTTP requests, 50 rounds each. Never a 500 (a
 * foreign-key violation surfaced as `internal`); a refusal is a clear 4xx and leaves nothing
 * half-created; the deleted account is in no conversation afterwards.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql, testSql } from "../support/api";
import { addToGroup, call, DeletionClock, httpUsers, membersOf, sleep, spread, type Answer, type HttpUser } from "../support/races";

jest.setTimeout(240_000);
afterAll(closeTestSql);

const ROUNDS = 50;

const after = <T>(ms: number, fn: () => Promise<T>) => (ms ? sleep(ms).then(fn) : fn());
const startGroup = (u: HttpUser, title: string, memberIds: string[]) => call("/api/conversations", { method: "POST", cookie: u.cookie, json: { kind: "group", title, memberIds } });
const startDirect = (u: HttpUser, other: { id: string }) => call("/api/conversations", { method: "POST", cookie: u.cookie, json: { kind: "direct", userId: other.id } });
const idOf = (a: Answer) => (a.body as { conversation?: { id: string } } | null)?.conversation?.id;
const codeOf = (a: Answer) => (a.body as { error?: { code: string } } | null)?.error?.code;
const directKey = (a: string, b: string) => [a, b].sort().join(":");

async function membershipsOf(userId: string): Promise<number> {
  const [{ n }] = await testSql()`select count(*)::int as n from members where user_id = ${userId}`;
  return n;
}

describe("conversations made while an account is deleted", () => {
  it(`answers group creation and adds racing the new member's deletion clearly, half-creating nothing (${ROUNDS} rounds)`, async () => {
    const pool = await httpUsers(12);
    // standing groups, each owner with one member, that the deleted accounts are added to
    const standing = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (k) => {
        const a = await startGroup(pool[k], `Standing ${k}`, [pool[k + 6].id]);
        return { id: idOf(a)!, owner: pool[k], before: [pool[k].id, pool[k + 6].id].sort() };
      }),
    );
    const victims = await httpUsers(ROUNDS);
    const clock = new DeletionClock();
    const problems: string[] = [];
    const outcomes = new Map<string, number>();
    const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    for (let round = 0; round < ROUNDS; round++) {
      const victim = victims[round];
      const creators = [0, 1].map((k) => ({ by: pool[(round * 2 + k) % 12], with: pool[(round * 2 + k + 6) % 12], title: `Racing ${round}.${k}` }));
      const groups = [0, 1].map((k) => standing[(round * 2 + k) % 6]);
      // the deletion's transaction runs after its password check (argon2): the four requests are aimed across it
      const [deleted, created, added] = await Promise.all([
        clock.delete(victim),
        Promise.all(creators.map((c, k) => after(clock.at(spread(round, 2 * k, 4)), () => startGroup(c.by, c.title, [victim.id, c.with.id])))),
        Promise.all(groups.map((g, k) => after(clock.at(spread(round, 2 * k + 1, 4)), () => addToGroup(g.owner, g.id, [victim.id])))),
      ]);
      if (deleted.status !== 204) problems.push(`round ${round}: deletion answered ${deleted.status}`);
      for (const [k, a] of created.entries()) {
        const c = creators[k];
        count(`create ${a.status}`);
        const made = await testSql()`select id from conversations where created_by = ${c.by.id} and title = ${c.title}`;
        if (a.status === 201) {
          const members = await membersOf(idOf(a)!);
          const expected = [
            { userId: c.by.id, role: "owner" },
            { userId: c.with.id, role: "member" },
          ].sort((x, y) => x.userId.localeCompare(y.userId));
          if (JSON.stringify(members) !== JSON.stringify(expected)) problems.push(`round ${round}: created group has ${JSON.stringify(members)}`);
        } else if (a.status === 400 && codeOf(a) === "bad_request") {
          if (made.length) problems.push(`round ${round}: a refused creation left a group behind`);
        } else problems.push(`round ${round}: creation answered ${a.status} ${JSON.stringify(a.body)}`);
      }
      for (const [k, a] of added.entries()) {
        count(`add ${a.status}`);
        if (a.status !== 200 && !(a.status === 400 && codeOf(a) === "bad_request")) problems.push(`round ${round}: add answered ${a.status} ${JSON.stringify(a.body)}`);
        const now = (await membersOf(groups[k].id)).map((m) => m.userId);
        if (JSON.stringify(now) !== JSON.stringify(groups[k].before)) problems.push(`round ${round}: standing group now has ${JSON.stringify(now)}`);
      }
      if (await membershipsOf(victim.id)) problems.push(`round ${round}: the deleted account is still a member somewhere`);
    }
    console.log(`group creation / add racing a deletion: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect(problems).toEqual([]);
  });

  it(`makes one direct conversation per pair however it is started, and none with a deleted account (${ROUNDS} rounds)`, async () => {
    const pool = await httpUsers(16);
    const pairs = pool.flatMap((a, i) => pool.slice(i + 1).map((b) => [a, b] as const));
    const victims = await httpUsers(ROUNDS);
    const clock = new DeletionClock();
    const problems: string[] = [];
    const outcomes = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      // both people start it at once, one of them twice
      const [a, b] = pairs[(round * 7) % pairs.length];
      const both = await Promise.all([startDirect(a, b), startDirect(b, a), startDirect(a, b)]);
      const ids = new Set(both.map(idOf));
      const fresh = both.filter((x) => x.status === 201).length;
      const [{ n }] = await testSql()`select count(*)::int as n from conversations where direct_key = ${directKey(a.id, b.id)}`;
      if (!both.every((x) => x.status === 200 || x.status === 201) || ids.size !== 1 || fresh !== 1 || n !== 1) {
        problems.push(`round ${round}: pair answered ${JSON.stringify(both.map((x) => x.status))}, ${ids.size} ids, ${n} rows`);
      }

      // three people start one with someone who is deleting the account
      const victim = victims[round];
      const starters = [0, 1].map((k) => pool[(round * 2 + k) % pool.length]);
      const [deleted, started] = await Promise.all([clock.delete(victim), Promise.all(starters.map((s, k) => after(clock.at(spread(round, k, 2)), () => startDirect(s, victim))))]);
      if (deleted.status !== 204) problems.push(`round ${round}: deletion answered ${deleted.status}`);
      for (const [k, x] of started.entries()) {
        outcomes.set(String(x.status), (outcomes.get(String(x.status)) ?? 0) + 1);
        const rows = await testSql()`select id from conversations where direct_key = ${directKey(starters[k].id, victim.id)}`;
        if (x.status === 201) {
          const members = await membersOf(idOf(x)!);
          if (JSON.stringify(members) !== JSON.stringify([{ userId: starters[k].id, role: "member" }])) problems.push(`round ${round}: the direct conversation has ${JSON.stringify(members)}`);
        } else if (x.status === 404 && codeOf(x) === "not_found") {
          if (rows.length) problems.push(`round ${round}: a refused direct conversation was left behind`);
        } else problems.push(`round ${round}: starting a direct conversation answered ${x.status} ${JSON.stringify(x.body)}`);
      }
      if (await membershipsOf(victim.id)) problems.push(`round ${round}: the deleted account is still a member somewhere`);
    }
    console.log(`direct conversations started with a deleting account: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect(problems).toEqual([]);
  });
});

describe("a group creation retried with its clientId (the creator's idempotency key)", () => {
  it(`answers 201 once and 200 with the same group to every retry, racing or later, making one group (${ROUNDS / 5} rounds of 4 at once)`, async () => {
    // a creator per round: five creations each stay inside LIMITS.createConversation
    const [bob, ...creators] = await httpUsers(ROUNDS / 5 + 1);
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS / 5; round++) {
      const ann = creators[round];
      const clientId = randomUUID();
      const create = () => call("/api/conversations", { method: "POST", cookie: ann.cookie, json: { kind: "group", title: `Retried ${round}`, memberIds: [bob.id], clientId } });
      const racing = await Promise.all([create(), create(), create(), create()]);
      const later = await create();
      const answers = [...racing, later];
      const statuses = answers.map((a) => a.status).sort();
      const ids = new Set(answers.map(idOf));
      const [{ n }] = await testSql()`select count(*)::int as n from conversations where created_by = ${ann.id} and title = ${`Retried ${round}`}`;
      if (JSON.stringify(statuses) !== JSON.stringify([200, 200, 200, 200, 201]) || ids.size !== 1 || n !== 1) {
        problems.push(`round ${round}: answered ${JSON.stringify(statuses)}, ${ids.size} ids, ${n} groups`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("refuses a clientId that is not a uuid with a 400 naming it, making nothing", async () => {
    const [ann, bob] = await httpUsers(2);
    for (const clientId of ["not-a-uuid", 42, "", null]) {
      const a = await call("/api/conversations", { method: "POST", cookie: ann.cookie, json: { kind: "group", title: "Bad key", memberIds: [bob.id], clientId } });
      expect(a.status).toBe(400);
      expect((a.body as { error: { code: string; fields?: Record<string, string> } }).error).toMatchObject({ code: "bad_request", fields: { clientId: expect.any(String) } });
    }
    const [{ n }] = await testSql()`select count(*)::int as n from conversations where created_by = ${ann.id}`;
    expect(n).toBe(0);
  });
});
