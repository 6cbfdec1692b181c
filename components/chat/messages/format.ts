/** Pure helpers for the chat UI: times, day labels, grouping. No React, easy to test. (Message text: ./markup/.) */

const DAY_MS = 24 * 60 * 60 * 1000;
export const GROUP_WINDOW_MS = 5 * 60 * 1000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days between two instants in local time (0 = same day). */
export function daysBetween(earlier: Date, later: Date): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

const timeFmt = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hour12: false });
const weekdayFmt = new Intl.DateTimeFormat("en", { weekday: "short" });
const shortDateFmt = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });
const dayFmt = new Intl.DateTimeFormat("en", { weekday: "long", month: "long", day: "numeric" });
const dayYearFmt = new Intl.DateTimeFormat("en", { month: "long", day: "numeric", year: "numeric" });
const fullFmt = new Intl.DateTimeFormat("en", { dateStyle: "full", timeStyle: "short" });

export function clockTime(iso: string): string {
  return timeFmt.format(new Date(iso));
}

export function fullTime(iso: string): string {
  return fullFmt.format(new Date(iso));
}

/** "Today", "Yesterday", "Monday, March 3", or "March 3, 2025" for another year. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const days = daysBetween(d, now);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return d.getFullYear() === now.getFullYear() ? dayFmt.format(d) : dayYearFmt.format(d);
}

/** Relative time for a message: "just now", "5 min ago", then the clock, then the day. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const diff = now.getTime() - d.getTime();
  if (diff < 60_000) return "just now";
  if (diff < 60 * 60_000) return `${Math.floor(diff / 60_000)} min ago`;
  const days = daysBetween(d, now);
  if (days === 0) return clockTime(iso);
  if (days === 1) return `Yesterday ${clockTime(iso)}`;
  return `${shortDateFmt.format(d)} ${clockTime(iso)}`;
}

/** The compact time in the conversation list: "now", "5m", "14:05", "Yesterday", "Mon", "Mar 3". */
export function listTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const diff = now.getTime() - d.getTime();
  if (diff < 60_000) return "now";
  if (diff < 60 * 60_000) return `${Math.floor(diff / 60_000)}m`;
  const days = daysBetween(d, now);
  if (days === 0) return clockTime(iso);
  if (days === 1) return "Yesterday";
  if (days < 7) return weekdayFmt.format(d);
  return shortDateFmt.format(d);
}
