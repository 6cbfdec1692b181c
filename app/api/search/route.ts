import { parse as parseCookies } from "cookie";
import { json, otherMethods, requireAuth, route } from "@/lib/http/route";
import { queryOf } from "@/lib/http/params";
import { parseInput } from "@/lib/platform/validation";
import { TIME_ZONE_COOKIE, timeZoneOrUtc } from "@/lib/platform/time-zone";
import { boundInstant } from "@/lib/search/dates";
import { searchQuerySchema } from "@/lib/search/schemas";
import { searchMessages } from "@/lib/search/service";

/**
 * Message search (DESIGN.md, "Search"): `?q=&conversationId=&from=&before=&after=&cursor=&limit=` →
 * `{ results: [{ message, conversation: { id, kind, title }, highlight }], nextCursor }`, newest
 * first, over the caller's current conversations. `q`: words, "phrases", -exclusions; `from`: a
 * username; `before`/`after`: `YYYY-MM-DD` (a day in the reader's zone, from the `tz` cookie, else
 * UTC; both exclusive) or an ISO 8601 time. 400 for an empty search or bad input, 401, 404 for a
 * conversation not the caller's, 429 past LIMITS.messageSearch.
 */
export const GET = route(async (req) => {
  const { user } = await requireAuth(req);
  const { before, after, ...query } = parseInput(searchQuerySchema, queryOf(req));
  const zone = timeZoneOrUtc(parseCookies(req.headers.get("cookie") ?? "")[TIME_ZONE_COOKIE]);
  return json(
    await searchMessages({
      ...query,
      userId: user.id,
      before: before && boundInstant(before, "before", zone),
      after: after && boundInstant(after, "after", zone),
    }),
  );
});

const other = otherMethods("GET");
export { other as POST, other as PUT, other as PATCH, other as DELETE };
