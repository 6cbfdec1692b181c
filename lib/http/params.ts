import "server-only";
import { AppError } from "../platform/errors";
import { truncate } from "../platform/text-length";
import { MAX_FIELD_KEY, UUID_PATTERN } from "../platform/validation";

/**
 * A request's query string as an object of its parameters, for a schema to parse. A parameter given
 * twice (`?around=3&around=5`) is refused, 400 with the parameter named, rather than one of its
 * values quietly taken.
 */
export function queryOf(req: Request): Record<string, string> {
  return queryRecord(new URL(req.url).searchParams);
}

/** queryOf's reading of parsed search parameters (lib/http/reads.ts reads a Node request's URL itself). */
export function queryRecord(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = Object.create(null);
  for (const [key, value] of params) {
    if (Object.hasOwn(query, key)) throw new AppError("bad_request", "A query parameter is given twice", { [truncate(key, MAX_FIELD_KEY)]: "Given twice" });
    query[key] = value;
  }
  return query;
}

/** A path id that is not a UUID names nothing: 404, like any conversation the caller cannot see. */
export function pathId(value: string, what = "conversation"): string {
  if (!UUID_PATTERN.test(value)) throw new AppError("not_found", `No such ${what}`);
  return value.toLowerCase();
}
