/**
 * The reader's time zone, told to the server in a cookie so that it renders times as the browser
 * will (no hydration mismatch, no jump after load). Browser-safe. Like the `theme` cookie, it holds
 * a display preference only: never trusted for anything else.
 */

/** The cookie's name; its value is an IANA zone name ("Europe/Paris"), URI-encoded. */
export const TIME_ZONE_COOKIE = "tz";

/** A zone name as IANA's database spells them ("America/Argentina/Buenos_Aires", "Etc/GMT+5"). */
const ZONE_NAME = /^[A-Za-z0-9_+\-/]{1,64}$/;

/** The zone a cookie value names, when this runtime knows it; else "UTC". Never throws. */
export function timeZoneOrUtc(value: string | undefined): string {
  if (!value) return "UTC";
  let zone: string;
  try {
    zone = decodeURIComponent(value);
  } catch {
    return "UTC";
  }
  if (!ZONE_NAME.test(zone)) return "UTC";
  try {
    return new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}

/** Sets the cookie to this browser's zone, for a year (called by the signed-in shell on each load). */
export function rememberTimeZone(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || !ZONE_NAME.test(zone)) return;
  const secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax${secure}`;
}

/**
 * A zone's UTC offsets as one runtime's tz database has them, over a span of time: what the server
 * rendered a page's times with, sent with the page so that hydration repeats the same text even
 * where the browser's database says otherwise (a zone whose rules changed between the two: in
 * December 2026 Node 20 put America/Vancouver at UTC−8 and Chromium 156 at UTC−7), or does not
 * know the name at all. Serializable (it travels in the page's props).
 */
export interface ZoneOffsets {
  /** The IANA name these offsets are of ("Europe/Paris"). */
  zone: string;
  /**
   * `[from, minutes]` pairs, `from` ascending (ms since 1970 UTC): from that instant on, the zone's
   * clock is UTC + `minutes`. The first pair also holds before its instant, the last after.
   */
  offsets: [number, number][];
}

/** The offset, in minutes east of UTC, that `z` gives the instant `ms` (ms since 1970). */
export function offsetAt(z: ZoneOffsets, ms: number): number {
  let minutes = z.offsets[0][1];
  for (const [from, m] of z.offsets) {
    if (from > ms) break;
    minutes = m;
  }
  return minutes;
}
