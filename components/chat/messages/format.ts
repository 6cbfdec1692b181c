/** Pure helpers for the chat UI: times, day labels, grouping. No React, easy to test. (Message text: ./markup/.) */
import { offsetAt, type ZoneOffsets } from "@/lib/platform/time-zone";

const DAY_MS = 24 * 60 * 60 * 1000;
export const GROUP_WINDOW_MS = 5 * 60 * 1000;

/**
 * Times are shown in the browser's time zone (`timeZone` undefined), or in the one given: an IANA
 * name, or a zone's offsets as the server's runtime has them (ZoneOffsets). The server renders with
 * the reader's zone as the page last told it (the `tz` cookie) by its offsets, and hydration uses
 * the same offsets (hooks/useNow.ts): the text then comes from formatting in UTC alone, which every
 * runtime does alike, whatever its tz database says of the zone (or whether it knows the name).
 */
export type TimeZone = string | ZoneOffsets | undefined;
type Zone = string | undefined;

const formats = new WeakMap<Intl.DateTimeFormatOptions, Map<Zone, Intl.DateTimeFormat>>();
/** One formatter per options and zone, made once. */
function format(options: Intl.DateTimeFormatOptions, timeZone: Zone): Intl.DateTimeFormat {
  let byZone = formats.get(options);
  if (!byZone) formats.set(options, (byZone = new Map()));
  let f = byZone.get(timeZone);
  if (!f) byZone.set(timeZone, (f = new Intl.DateTimeFormat("en", { ...options, timeZone })));
  return f;
}

// hourCycle, not `hour12: false`: with that, Node's ICU takes "en" to count hours 1–24 ("24:05" for
// five past midnight) while Chromium counts 0–23 ("00:05"), so the server's HTML and hydration differ
const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const WEEKDAY: Intl.DateTimeFormatOptions = { weekday: "short" };
const SHORT_DATE: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" };
const DAY: Intl.DateTimeFormatOptions = { weekday: "long", month: "long", day: "numeric" };
const DAY_YEAR: Intl.DateTimeFormatOptions = { month: "long", day: "numeric", year: "numeric" };
const FULL: Intl.DateTimeFormatOptions = { dateStyle: "full", timeStyle: "short" };
const DATE_PARTS: Intl.DateTimeFormatOptions = { year: "numeric", month: "numeric", day: "numeric" };

/** `d` formatted in the zone: by its offset and in UTC when the zone comes as offsets. */
function text(options: Intl.DateTimeFormatOptions, d: Date, timeZone: TimeZone): string {
  if (typeof timeZone === "object") return format(options, "UTC").format(new Date(d.getTime() + offsetAt(timeZone, d.getTime()) * 60_000));
  return format(options, timeZone).format(d);
}

/** The calendar date of `d` in the zone, as whole days since 1970-01-01, and its year. */
function calendarDay(d: Date, timeZone: TimeZone): { day: number; year: number } {
  if (typeof timeZone === "object") {
    const local = new Date(d.getTime() + offsetAt(timeZone, d.getTime()) * 60_000);
    return { day: Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) / DAY_MS, year: local.getUTCFullYear() };
  }
  if (!timeZone) return { day: Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY_MS, year: d.getFullYear() };
  const parts = Object.fromEntries(format(DATE_PARTS, timeZone).formatToParts(d).map((p) => [p.type, Number(p.value)]));
  return { day: Date.UTC(parts.year, parts.month - 1, parts.day) / DAY_MS, year: parts.year };
}

/** Whole calendar days between two instants in the zone (0 = same day). */
export function daysBetween(earlier: Date, later: Date, timeZone?: TimeZone): number {
  return calendarDay(later, timeZone).day - calendarDay(earlier, timeZone).day;
}

/** "14:05" */
export function clockTime(iso: string, timeZone?: TimeZone): string {
  return text(TIME, new Date(iso), timeZone);
}

/** "Tuesday, December 1, 2026 at 14:05" */
export function fullTime(iso: string, timeZone?: TimeZone): string {
  return text(FULL, new Date(iso), timeZone);
}

/** "Today", "Yesterday", "Monday, March 3", or "March 3, 2025" for another year. */
export function dayLabel(iso: string, now: Date = new Date(), timeZone?: TimeZone): string {
  const d = new Date(iso);
  const days = daysBetween(d, now, timeZone);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return calendarDay(d, timeZone).year === calendarDay(now, timeZone).year ? text(DAY, d, timeZone) : text(DAY_YEAR, d, timeZone);
}

/** Relative time for a message: "just now", "5 min ago", then the clock, then the day. */
export function relativeTime(iso: string, now: Date = new Date(), timeZone?: TimeZone): string {
  const d = new Date(iso);
  const diff = now.getTime() - d.getTime();
  if (diff < 60_000) return "just now";
  if (diff < 60 * 60_000) return `${Math.floor(diff / 60_000)} min ago`;
  const days = daysBetween(d, now, timeZone);
  if (days === 0) return clockTime(iso, timeZone);
  if (days === 1) return `Yesterday ${clockTime(iso, timeZone)}`;
  return `${text(SHORT_DATE, d, timeZone)} ${clockTime(iso, timeZone)}`;
}

/** The compact time in the conversation list: "now", "5m", "14:05", "Yesterday", "Mon", "Mar 3". */
export function listTime(iso: string, now: Date = new Date(), timeZone?: TimeZone): string {
  const d = new Date(iso);
  const diff = now.getTime() - d.getTime();
  if (diff < 60_000) return "now";
  if (diff < 60 * 60_000) return `${Math.floor(diff / 60_000)}m`;
  const days = daysBetween(d, now, timeZone);
  if (days === 0) return clockTime(iso, timeZone);
  if (days === 1) return "Yesterday";
  if (days < 7) return text(WEEKDAY, d, timeZone);
  return text(SHORT_DATE, d, timeZone);
}
