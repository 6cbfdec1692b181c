import "server-only";
import { cookies } from "next/headers";
import { TIME_ZONE_COOKIE, timeZoneOrUtc } from "@/lib/platform/time-zone";

/**
 * The reader's time zone for this request: the IANA name the page last told the server in the `tz`
 * cookie (lib/platform/time-zone.ts), when this runtime knows it, else "UTC". For every date or time
 * a page renders on the server: without it, the text would follow the server's own zone. Never throws.
 */
export async function readerTimeZone(): Promise<string> {
  return timeZoneOrUtc((await cookies()).get(TIME_ZONE_COOKIE)?.value);
}
