/** The directory: finding people, and their public profiles. */
import "server-only";
import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import { getDb } from "@/db";
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
  const rows = await getDb().select().from(users).where(inArray(users.id, query.ids));
  return rows.map(toPublicUser);
}

/** One public profile by username (any case); `not_found` when there is none. */
export async function getPublicProfile({ username }: { username: string }): Promise<PublicUser> {
  const normalized = username.toLowerCase();
  if (!isUsername(normalized)) throw new AppError("not_found", "No such user");
  const [user] = await getDb().select().from(users).where(eq(users.username, normalized)).limit(1);
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

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface DirectoryPage {
  users: PublicUser[];
  nextCursor: string | null;
}

/**
 * Users whose username or display name contains `q` (any case), in username order, one page at a
 * time. Substring matches use the pg_trgm GIN indexes users_username_trgm and
 * users_display_name_trgm (on lower(display_name)); paging is keyset on the unique username.
 * `userId` is the searcher. Throws `rate_limited` past LIMITS.search, `bad_request` (cursor).
 */
export async function searchDirectory(query: { userId: string; q: string; cursor?: string; limit: number }): Promise<DirectoryPage> {
  return limited("search", query.userId, async () => {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const pattern = `%${escapeLike(query.q.toLowerCase())}%`;
    const rows = await getDb()
      .select()
      .from(users)
      .where(
        and(
          query.q ? or(sql`${users.username} like ${pattern}`, sql`lower(${users.displayName}) like ${pattern}`) : undefined,
          after ? gt(users.username, after) : undefined,
        ),
      )
      .orderBy(users.username)
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      users: page.map(toPublicUser),
      nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1].username) : null,
    };
  });
}
