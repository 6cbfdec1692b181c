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

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** How far apart the offsets are sampled: no zone's rules change twice within a week any more. */
const STEP_MS = 7 * DAY_MS;

const partsFormats = new Map<string, Intl.DateTimeFormat>();
/** The zone's offset from UTC at `ms` (ms since 1970), in whole minutes, by this runtime's Intl. Throws RangeError for a zone it does not know. */
export function offsetMinutes(zone: string, ms: number): number {
  let f = partsFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
    partsFormats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return Math.round((local - Math.floor(ms / MINUTE_MS) * MINUTE_MS) / MINUTE_MS);
}

/**
 * The zone's offsets (see ZoneOffsets) from `fromMs` to `toMs` (ms since 1970), by this runtime's
 * Intl: sampled weekly, each change found to the minute. Throws RangeError for a zone it does not know.
 */
export function zoneOffsets(zone: string, fromMs: number, toMs: number): ZoneOffsets {
  let at = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  let current = offsetMinutes(zone, at);
  const offsets: [number, number][] = [[at, current]];
  while (at < toMs) {
    const next = Math.min(at + STEP_MS, Math.ceil(toMs / MINUTE_MS) * MINUTE_MS);
    const there = offsetMinutes(zone, next);
    if (there !== current) {
      // the first minute in (at, next] with the new offset
      let lo = at;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetMinutes(zone, mid) === current) lo = mid;
        else hi = mid;
      }
      offsets.push([hi, there]);
      current = there;
    }
    at = next;
  }
  return { zone, offsets };
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
