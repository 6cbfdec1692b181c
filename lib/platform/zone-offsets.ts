/**
 * Making a zone's offsets table (ZoneOffsets, ./time-zone.ts) from this runtime's Intl: server-only,
 * since the browser only reads such a table (`offsetAt`), and this code would weigh on the chat
 * page's first load for nothing.
 */
import "server-only";
import type { ZoneOffsets } from "./time-zone";

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

