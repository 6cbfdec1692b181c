/** Search's date filters: a calendar day in the reader's zone as an instant. */
import "server-only";
import type { DateBound } from "./schemas";

/** How far `zone`'s wall clock is ahead of UTC at `at` (ms since the epoch), in ms. */
function offsetMs(at: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - Math.floor(at / 1000) * 1000;
}

/** The first instant of a calendar day in an IANA zone (at a daylight-saving jump over midnight, the first instant after it). */
export function dayStart(day: { year: number; month: number; day: number }, zone: string): Date {
  const wall = Date.UTC(day.year, day.month - 1, day.day);
  const guess = wall - offsetMs(wall, zone);
  return new Date(wall - offsetMs(guess, zone));
}

/**
 * A `before`/`after` filter as an instant (days read as Slack's and GitHub's search read them, the
 * day itself excluded): `before` a day is the day's start (messages before it); `after` a day is the
 * next day's start (messages from then on). Days are the reader's (`zone`, from the tz cookie, else
 * UTC); times are taken as given.
 */
export function boundInstant(bound: DateBound, edge: "before" | "after", zone: string): Date {
  if ("at" in bound) return bound.at;
  if (edge === "before") return dayStart(bound.day, zone);
  const next = new Date(Date.UTC(bound.day.year, bound.day.month - 1, bound.day.day + 1));
  return dayStart({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, zone);
}
