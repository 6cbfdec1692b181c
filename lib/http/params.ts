import "server-only";
import { AppError } from "../platform/errors";
import { UUID_PATTERN } from "../platform/validation";

/** A path id that is not a UUID names nothing: 404, like any conversation the caller cannot see. */
export function pathId(value: string, what = "conversation"): string {
  if (!UUID_PATTERN.test(value)) throw new AppError("not_found", `No such ${what}`);
  return value.toLowerCase();
}
