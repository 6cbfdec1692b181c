/**
 * The directory search against PostgreSQL alone: substring matches of username or display name in
 * username order, paged, whichever way lib/people/directory.ts finds them; and a search whose matches
 * all come late in username order does not read the directory up to them (issue 15, item 6: at
 * 100,000 users such a search read 97,000 rows).
 */
import { getSql } from "@/db";
import { DIRECTORY_SCAN, searchDirectory } from "@/lib/people/directory";
import { explainRun, mostRowsFiltered } from "../support/plans";
import { newPerson } from "../support/domain";

/** More people than the ordered scan reads, none of whom match the searches below. */
const FILLERS = DIRECTORY_SCAN * 2;
const run = Date.now().toString(36);

/** Every page of a search, as a fresh person (the search limit counts per person). */
async function searchAll(q: string): Promise<string[]> {
  const userId = (await newPerson("dir")).id;
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchDirectory({ userId, q, cursor, limit: 50 });
    names.push(...page.users.map((u) => u.username));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return names;
}

/** A fresh person to search as. */
const searcher = async () => (await newPerson("dir")).id;
/**
 * usernames of the people whose display name holds "Quixotic", in username order: a few early and
 * many (a fifth of the directory) at the end, so that PostgreSQL expects to find a page of them soon
 * in username order
 */
let quixotic: string[];

beforeAll(async () => {
  const sql = getSql();
  // fillers sort between the early and the late matches ("b…" < "dscan_…" < "zz…")
  await sql`
    insert into users (username, email, display_name, password_hash)
    select 'dscan_' || ${run} || '_' || lpad(i::text, 6, '0'), 'dscan_' || ${run} || '_' || i || '@example.test', 'Filler ' || i, 'not-a-hash'
    from generate_series(1, ${FILLERS}) as i`;
  const early = Array.from({ length: 3 }, (_, i) => `b${run}_q${i}`);
  const late = Array.from({ length: FILLERS / 4 }, (_, i) => `zz${run}_q${String(i).padStart(4, "0")}`);
  quixotic = [...early, ...late];
  await sql`insert into users ${sql(quixotic.map((u, i) => ({ username: u, email: `${u}@example.test`, display_name: `Quixotic ${run} ${i}`, password_hash: "not-a-hash" })))}`;
  await sql`analyze users`;
});

test("finds every match in username order, page by page, whether early or late in the directory", async () => {
  expect(await searchAll(`QUIXOTIC ${run}`)).toEqual(quixotic);
  // a substring of usernames only, with an underscore (a plain character, not LIKE's wildcard)
  expect(await searchAll(`${run}_q1`)).toEqual([`b${run}_q1`, ...quixotic.filter((u) => u.startsWith(`zz${run}_q1`))]);
});

test("a query without three letters or digits in a row matches substrings too, in username order", async () => {
  // "_q" is in the username of every Quixotic person and of nobody else here (others are `<label>_<hex>`)
  const page = await searchDirectory({ userId: await searcher(), q: "_q", limit: 50 });
  expect(page.users.map((u) => u.username)).toEqual(quixotic.slice(0, 50));
  const letter = await searchDirectory({ userId: await searcher(), q: "Q", limit: 50 });
  expect(letter.users.length).toBe(50);
  expect(letter.users.every((u) => u.username.includes("q") || u.displayName.toLowerCase().includes("q"))).toBe(true);
  expect(letter.users.map((u) => u.username)).toEqual(letter.users.map((u) => u.username).sort());
});

test("LIKE's wildcards in a query are plain characters", async () => {
  expect((await searchDirectory({ userId: await searcher(), q: "%%%", limit: 20 })).users).toEqual([]);
});

test("a search whose matches come late in username order reads no more than DIRECTORY_SCAN rows in that order", async () => {
  const userId = await searcher();
  const { result, plans } = await explainRun(() => searchDirectory({ userId, q: `quixotic ${run}`, limit: 20 }));
  expect(result.users.map((u) => u.username)).toEqual(quixotic.slice(0, 20));
  expect(plans.length).toBeGreaterThan(0);
  // the whole directory (FILLERS and every other test's people) lies between the early and the late
  // matches: read in username order (an index scan), it was all read and dropped by the filter. The
  // rest is the trigram indexes' (or, in a directory this small, PostgreSQL may find a sequential
  // scan cheaper: it is not one in username order).
  expect(mostRowsFiltered(plans, /Index (Only )?Scan/)).toBeLessThanOrEqual(DIRECTORY_SCAN);
});

test.each([
  ["two characters", "_q"],
  ["no three letters or digits in a row", "_q0"],
  ["one character", "ŭ"],
])("a query with %s whose matches come late reads no more than DIRECTORY_SCAN rows it then drops", async (_, q) => {
  // "_q" and "_q0" are in the usernames of Quixotic people (three early, the rest late) and of nobody
  // among the fillers; "ŭ" is in no username (ASCII only), and only the late people below have it in
  // their display names. Before users_name_grams, such a query read the directory in username order
  // until it had a page of matches, or (PostgreSQL's choice for a rare letter) all of it in a
  // sequential scan: here every filler and every other test's people.
  const late = Array.from({ length: 25 }, (_, i) => `zz${run}_u${String(i).padStart(2, "0")}`);
  if (q === "ŭ") {
    await getSql()`insert into users ${getSql()(late.map((u) => ({ username: u, email: `${u}@example.test`, display_name: `Zaŭlo ${run}`, password_hash: "not-a-hash" })))} on conflict do nothing`;
    await getSql()`analyze users`;
  }
  const userId = await searcher();
  const { result, plans } = await explainRun(() => searchDirectory({ userId, q, limit: 20 }));
  const names = result.users.map((u) => u.username);
  expect(names.length).toBeGreaterThan(0);
  expect(names).toEqual([...names].sort());
  expect(result.users.every((u) => u.username.includes(q) || u.displayName.toLowerCase().includes(q))).toBe(true);
  if (q === "ŭ") expect(names).toEqual(late.slice(0, 20));
  else expect(names).toEqual(quixotic.filter((u) => u.includes(q)).slice(0, 20));
  expect(mostRowsFiltered(plans)).toBeLessThanOrEqual(DIRECTORY_SCAN);
});
