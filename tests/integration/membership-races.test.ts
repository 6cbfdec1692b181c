/**
 * Owner succession under concurrent changes (issue 11, item 3a; rules in docs/integrity.md, "Item 3").
 * Real concurrent HTTP requests, 50 rounds each: the owner and the next in line leave at once, an owner
 * deletes the account while the next in line leaves (and the other way round), every member leaves at
 * once. After every round: a group with members has exactly one owner, who can rename and add; an
 * emptied group is gone; nothing answers 500.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql, request, testSql } from "../support/api";
import { addToGroup, conversationExists, DeletionClock, httpUsers, inParallel, spread, leave, membersOf, newGroup, rename, sleep, type Answer, type HttpUser } from "../support/races";

jest.setTimeout(240_000);
afterAll(closeTestSql);

const ROUNDS = 50;

/** A group made by `owner` with `heir` first and `rest` added afterwards, so `heir` is next in line. */
async function groupInLine(owner: HttpUser, heir: HttpUser, rest: HttpUser, title: string): Promise<string> {
  const id = await newGroup(owner, title, [heir]);
  const added = await addToGroup(owner, id, [rest.id]);
  if (added.status !== 200) throw new Error(`add failed: ${added.status} ${JSON.stringify(added.body)}`);
  return id;
}

/** `fn` after `ms` (0: at once, in the same tick as the other requests). */
const after = <T>(ms: number, fn: () => Promise<T>) => (ms ? sleep(ms).then(fn) : fn());

/** What went wrong in a round, or nothing: the one member left must be the owner and able to rename and add. */
async function soleOwnerProblems(round: number, groupId: string, rest: HttpUser, extra: HttpUser, answers: Record<string, Answer>): Promise<string[]> {
  const problems: string[] = [];
  for (const [what, a] of Object.entries(answers)) {
    if (a.status !== 200 && a.status !== 204) problems.push(`round ${round}: ${what} answered ${a.status} ${JSON.stringify(a.body)}`);
  }
  const members = await membersOf(groupId);
  if (JSON.stringify(members) !== JSON.stringify([{ userId: rest.id, role: "owner" }])) {
    problems.push(`round ${round}: members left ${JSON.stringify(members)}, expected only ${rest.id} as owner`);
    return problems;
  }
  const [renamed, added] = await Promise.all([rename(rest, groupId, `Still here ${round}`), addToGroup(rest, groupId, [extra.id])]);
  if (renamed.status !== 200 || added.status !== 200) problems.push(`round ${round}: the owner left behind could not rename (${renamed.status}) or add (${added.status})`);
  return problems;
}

/** The people of round `round`, `k` = 0, 1, …: 13 is prime, so every round a different set, each user in few enough roles to stay under the limits. */
const cast = (pool: HttpUser[], round: number, n: number) => Array.from({ length: n }, (_, k) => pool[(round * 5 + k) % pool.length]);

describe("owner succession under concurrent changes", () => {
  it(`leaves exactly one owner when the owner and the next in line leave at once (${ROUNDS} rounds)`, async () => {
    const pool = await httpUsers(13);
    const groups = await inParallel(ROUNDS, 4, (round) => {
      const [owner, heir, rest] = cast(pool, round, 3);
      return groupInLine(owner, heir, rest, `Leaving ${round}`);
    });
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [owner, heir, rest, extra] = cast(pool, round, 4);
      const id = groups[round];
      const skew = round % 4; // ms; alternately one or the other request goes first
      const [ownerLeft, heirLeft] = await Promise.all([after(round % 2 ? skew : 0, () => leave(owner, id)), after(round % 2 ? 0 : skew, () => leave(heir, id))]);
      problems.push(...(await soleOwnerProblems(round, id, rest, extra, { "the owner's leave": ownerLeft, "the heir's leave": heirLeft })));
    }
    expect(problems).toEqual([]);
  });

  it(`passes ownership on when an account deletion races leaves (${ROUNDS} rounds, 3 groups each)`, async () => {
    const pool = await httpUsers(13);
    const deleters = await httpUsers(ROUNDS);
    // even rounds: the owner of three groups deletes the account while each group's next in line leaves;
    // odd rounds: the next in line of three groups deletes the account while each group's owner leaves
    const rounds = await inParallel(ROUNDS, 4, async (round) => {
      const deleter = deleters[round];
      const ownerDeletes = round % 2 === 0;
      const others = cast(pool, round, 7);
      const groups = await Promise.all(
        [0, 1, 2].map(async (g) => {
          const [a, b] = [others[2 * g], others[2 * g + 1]];
          const [owner, heir, rest] = ownerDeletes ? [deleter, a, b] : [a, deleter, b];
          return { id: await groupInLine(owner, heir, rest, `Deleting ${round}.${g}`), leaver: ownerDeletes ? heir : owner, rest, extra: others[6] };
        }),
      );
      return { deleter, groups };
    });
    const clock = new DeletionClock();
    const problems: string[] = [];
    for (const [round, { deleter, groups }] of rounds.entries()) {
      // the deletion verifies the password first (argon2): the leaves are aimed across its transaction
      const [deleted, left] = await Promise.all([clock.delete(deleter), Promise.all(groups.map((g, k) => after(clock.at(spread(round, k, 3)), () => leave(g.leaver, g.id))))]);
      for (const [k, g] of groups.entries()) problems.push(...(await soleOwnerProblems(round, g.id, g.rest, g.extra, { "the deletion": deleted, "the leave": left[k] })));
    }
    expect(problems).toEqual([]);
  });

  it(`removes a group, with its history, when its last members leave at once (${ROUNDS} rounds)`, async () => {
    const pool = await httpUsers(13);
    const groups = await inParallel(ROUNDS, 4, async (round) => {
      const [owner, b, c] = cast(pool, round, 3);
      const id = await newGroup(owner, `Emptying ${round}`, [b, c]);
      const sent = await request(`/api/conversations/${id}/messages`, { method: "POST", cookie: owner.cookie, json: { clientId: randomUUID(), body: "bye" } });
      if (sent.status !== 201) throw new Error(`send failed: ${sent.status}`);
      return id;
    });
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const id = groups[round];
      const answers = await Promise.all(cast(pool, round, 3).map((u, k) => after(k === round % 3 ? 0 : round % 4, () => leave(u, id))));
      const bad = answers.filter((a) => a.status !== 200);
      if (bad.length) problems.push(`round ${round}: leaves answered ${JSON.stringify(bad)}`);
      const [{ n }] = await testSql()`select count(*)::int as n from messages where conversation_id = ${id}`;
      if (n || (await conversationExists(id))) problems.push(`round ${round}: the empty group is still there (${(await membersOf(id)).length} members, ${n} messages)`);
    }
    expect(problems).toEqual([]);
  });
});
