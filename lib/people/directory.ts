/** The directory: finding people, and their public profiles. */
import "server-only";
import { and, eq, gt, inArray } from "drizzle-orm";
import { getDb, getSql } from "@/db";
import { users } from "@/db/schema";
import { AppError } from "../platform/errors";
import { consume, limited } from "../platform/rate-limit";
import { isUsername } from "./rules";
import { toPublicUser, type PublicUser } from "./types";

/**
 * The public profiles of `ids` that exist (a deleted account is simply absent), for showing the
 * senders of messages who are no longer members. Public fields only; any signed-in user may ask,
 * as with the directory. At most PROFILE_LOOKUP_MAX ids (validated by the caller).
 * Throws `rate_limited` past LIMITS.profiles.
 */
export async function lookupProfiles(query: { userId: string; ids: string[] }): Promise<PublicUser[]> {
  await consume("profiles", query.userId);
  if (!query.ids.length) return [];
  const rows = await getDb().select(publicColumns).from(users).where(inArray(users.id, query.ids));
  return rows.map(toPublicUser);
}

/** One public profile by username (any case); `not_found` when there is none. */
export async function getPublicProfile({ username }: { username: string }): Promise<PublicUser> {
  const normalized = username.toLowerCase();
  if (!isUsername(normalized)) throw new AppError("not_found", "No such user");
  const [user] = await getDb().select(publicColumns).from(users).where(eq(users.username, normalized)).limit(1);
  if (!user) throw new AppError("not_found", "No such user");
  return toPublicUser(user);
}

/** A directory cursor: the last username of the previous page (usernames are unique and the sort key), base64url. */
export function encodeCursor(username: string): string {
  return Buffer.from(username, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  const username = Buffer.from(cursor, "base64url").toString("utf8");
  if (!isUsername(username)) throw new AppError("bad_request", "Invalid cursor", { cursor: "Invalid cursor" });
  return username;
}

/**
 * The public columns alone (PublicUserRow): the directory and profile reads never fetch a password hash or an
 * email, so neither can reach a public answer through a later change, and rows are smaller.
 */
const publicColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  bio: users.bio,
  avatar: users.avatar,
  createdAt: users.createdAt,
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface DirectoryPage {
  users: PublicUser[];
  nextCursor: string | null;
}

/**
 * Rows the directory reads in username order (from the users_directory index alone) before it turns to
 * the indexes that find every match: a page of DIRECTORY_PAGE.max is found among them where at least 1
 * in 100 rows match.
 */
export const DIRECTORY_SCAN = 5000;

/** A query the trigram indexes can narrow: three letters or digits in a row (pg_trgm's words; ASCII, as the database has no locale). */
const TRIGRAM = /[a-z0-9]{3}/;

/**
 * The pieces of a (lowercased) query that users_name_grams indexes (migration 0011, `parley_name_grams`):
 * every two characters in a row, or the one character of a one-character query. Characters are code
 * points, as PostgreSQL's substr counts them. A name holding the query holds every one of them.
 */
export function queryGrams(q: string): string[] {
  const chars = Array.from(q);
  if (chars.length < 2) return chars;
  return [...new Set(chars.slice(1).map((c, i) => chars[i] + c))];
}

/**
 * The usernames after `after` (in username order) whose username or lowercased display name holds
 * `q` (lowercased), at most `want` of them. Two ways, because neither is cheap for every query: in
 * username order, a scan stops as soon as it has `want` matches (cheap where matches are dense,
 * which short and common queries are); an index finds every match first, to be sorted (cheap where
 * matches are few). But matches may be few near the start and many later: usernames are made from
 * names, so "oliv" matches nobody until the usernames that start with "o", and an ordered scan for it
 * read 75,000 of 100,000 rows; a rare pair of letters such as "kh" was read to the end, 33-40 ms
 * (docs/growth-plans.md). So the scan reads at most DIRECTORY_SCAN rows; if that finds too few, an
 * index finds every match after `after`: pg_trgm's (users_username_trgm, users_display_name_trgm) for a
 * query with a trigram, else users_name_grams, whose candidates LIKE then decides.
 */
async function matchingUsernames(q: string, after: string | undefined, want: number): Promise<string[]> {
  const sql = getSql();
  const pattern = `%${escapeLike(q)}%`;
  const matches = sql`(username like ${pattern} or lower(display_name) like ${pattern})`;
  const from = after ?? "";
  // the matches among the next DIRECTORY_SCAN usernames; the scan stops at the `want`th
  const scanned = await sql`
    select username from (select username, display_name from users where username > ${from} order by username limit ${DIRECTORY_SCAN}) head
    where ${matches} order by username limit ${want}`;
  if (scanned.length >= want) return scanned.map((r) => r.username as string);
  // Too few: every match after `from`, from an index (materialized, without the bound on username that
  // a scan in username order would take instead), those of the scan again among them. LIKE decides
  // users_name_grams' candidates after the CTE: inside it, a generic plan (prepared, PostgreSQL's
  // choice after five runs) ANDed the grams with pg_trgm's indexes, which read a pattern without a
  // trigram whole (150 ms at 100,000 people).
  const rows = TRIGRAM.test(q)
    ? await sql`
        with m as materialized (select username from users where ${matches})
        select username from m where username > ${from} order by username limit ${want}`
    : await sql`
        with m as materialized (select username, display_name from users where parley_name_grams(username, display_name) @> ${queryGrams(q)}::text[])
        select username from m where username > ${from} and ${matches} order by username limit ${want}`;
  return rows.map((r) => r.username as string);
}

/**
 * Users whose username or display name contains `q` (any case), in username order, one page at a
 * time (keyset on the unique username). Found by `matchingUsernames`: the users_directory index in
 * username order, then the pg_trgm GIN indexes users_username_trgm and users_display_name_trgm (on
 * lower(display_name)) for a query with three letters or digits in a row, users_name_grams for any
 * other. `userId` is the searcher. Throws `rate_limited` past LIMITS.search, `bad_request` (cursor).
 */
export async function searchDirectory(query: { userId: string; q: string; cursor?: string; limit: number }): Promise<DirectoryPage> {
  return limited("search", query.userId, async () => {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const want = query.limit + 1;
    const names = query.q
      ? await matchingUsernames(query.q.toLowerCase(), after, want)
      : undefined;
    if (names && !names.length) return { users: [], nextCursor: null };
    const rows = await getDb()
      .select(publicColumns)
      .from(users)
      .where(and(names ? inArray(users.username, names) : undefined, after ? gt(users.username, after) : undefined))
      .orderBy(users.username)
      .limit(want);
    const page = rows.slice(0, query.limit);
    return {
      users: page.map(toPublicUser),
      nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1].username) : null,
    };
  });
}
