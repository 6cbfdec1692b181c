import { AppError } from "../platform/errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names nothing: 404, like any conversation the caller cannot see. */
export function pathId(value: string, what = "conversation"): string {
  if (!UUID.test(value)) throw new AppError("not_found", `No such ${what}`);
  return value.toLowerCase();
}
