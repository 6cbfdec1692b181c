/** GET /api/search's query string, as a zod schema for the route (DESIGN.md, "Contract additions: Search"). */
import { z } from "zod";
import { str, uuidSchema, queryInt } from "../platform/validation";
import { isUsername } from "../people/rules";
import { SEARCH_PAGE, SEARCH_QUERY_MAX } from "./rules";

/** `YYYY-MM-DD` (a day in the caller's zone) or an ISO 8601 time with its offset ("2026-11-30T09:00:00Z"). */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A `before`/`after` value as given: a calendar day (read later in the caller's zone) or an instant. */
export type DateBound = { day: { year: number; month: number; day: number } } | { at: Date };

const dateBound = (what: string) =>
  str(what)
    .max(40, `${what} is a date (YYYY-MM-DD) or a time (ISO 8601)`)
    .transform((v, ctx): DateBound => {
      const d = DAY.exec(v);
      if (d) {
        const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
        const check = new Date(Date.UTC(year, month - 1, day));
        if (year >= 1970 && check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) return { day: { year, month, day } };
      } else if (INSTANT.test(v)) {
        const at = new Date(v);
        if (!Number.isNaN(at.getTime()) && at.getUTCFullYear() >= 1970 && at.getUTCFullYear() <= 9999) return { at };
      }
      ctx.addIssue({ code: "custom", message: `${what} is a date (YYYY-MM-DD) or a time (ISO 8601)` });
      return z.NEVER;
    });

export const searchQuerySchema = z.strictObject({
  // NFC like stored bodies, so a query typed with combining accents finds them
  q: str("q").max(SEARCH_QUERY_MAX, `The search may be at most ${SEARCH_QUERY_MAX} characters`).trim().normalize("NFC").default(""),
  conversationId: uuidSchema("conversationId").optional(),
  from: str("from")
    .max(64, "from is a username")
    .transform((v) => v.replace(/^@/, "").toLowerCase())
    .refine(isUsername, "from is a username")
    .optional(),
  before: dateBound("before").optional(),
  after: dateBound("after").optional(),
  cursor: str("cursor").max(200, "Invalid cursor").optional(),
  limit: queryInt("limit", 1, SEARCH_PAGE.max).default(SEARCH_PAGE.default),
});
