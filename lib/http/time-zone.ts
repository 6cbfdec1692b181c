import "server-only";
import { cookies } from "next/headers";
import { TIME_ZONE_COOKIE, timeZoneOrUtc, type ZoneOffsets } from "@/lib/platform/time-zone";
import { zoneOffsets } from "@/lib/platform/zone-offsets";

/**
 * The reader's time zone for this request: the IANA name the page last told the server in the `tz`
 * cookie (lib/platform/time-zone.ts), when this runtime knows it, else "UTC". For every date or time
 * a page renders on the server: without it, the text would follow the server's own zone. Never throws.
 */
export async function readerTimeZone(): Promise<string> {
  return timeZoneOrUtc((await cookies()).get(TIME_ZONE_COOKIE)?.value);
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back a page's offsets reach: older times are shown with the oldest offset until hydrated. */
const SPAN_DAYS = 10 * 366;
/** Each zone's offsets over the span, made once a day (a few ms each). */
const offsetsByZone = new Map<string, { day: number; offsets: ZoneOffsets }>();

/**
 * The clock a signed-in page renders its times with (components/chat/hooks/useNow.ts): now, as ISO
 * 8601, and the reader's zone (readerTimeZone) as this runtime's offsets from ten years back to two
 * days ahead, which the page hands to hydration so the browser repeats the same text.
 */
export async function readerClock(): Promise<{ at: string; timeZone: ZoneOffsets }> {
  const zone = await readerTimeZone();
  const now = Date.now();
  const day = Math.floor(now / DAY_MS);
  let cached = offsetsByZone.get(zone);
  if (!cached || cached.day !== day) {
    cached = { day, offsets: zoneOffsets(zone, (day - SPAN_DAYS) * DAY_MS, (day + 2) * DAY_MS) };
    offsetsByZone.set(zone, cached);
  }
  return { at: new Date(now).toISOString(), timeZone: cached.offsets };
}
