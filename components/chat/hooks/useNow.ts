"use client";

import { createContext, useContext, useEffect, useMemo, useState } from "react";
import type { ZoneOffsets } from "@/lib/platform/time-zone";
import { useHydrated } from "./useHydrated";

/**
 * The clock the server rendered the page with: its time then (ISO 8601) and the reader's time zone
 * (named by the `tz` cookie the page sets, else "UTC") as the offsets the server's runtime gives it
 * around then (lib/platform/time-zone.ts): hydration formats by these, not by the browser's own tz
 * database, which may disagree. Provided by the signed-in shell (lib/http/time-zone.ts makes it).
 */
export interface RenderedClock {
  at: string;
  timeZone: ZoneOffsets;
}

export const RenderedClockContext = createContext<RenderedClock | null>(null);

/**
 * The time zone to show times in (components/chat/messages/format.ts): the offsets the server
 * rendered with while the page hydrates (so hydration sees the same text and the same day
 * dividers), then the browser's own (undefined).
 */
export function useTimeZone(): ZoneOffsets | undefined {
  const rendered = useContext(RenderedClockContext);
  return useHydrated() || !rendered ? undefined : rendered.timeZone;
}

/**
 * The current time, refreshed every `everyMs`, so relative times stay true; the server's time of
 * rendering while the page hydrates, so that "5 min ago" reads the same on both sides.
 */
export function useNow(everyMs = 30_000): Date {
  const rendered = useContext(RenderedClockContext);
  const hydrated = useHydrated();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    setNow(new Date());
    const t = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  const renderedAt = useMemo(() => (rendered ? new Date(rendered.at) : null), [rendered]);
  return hydrated || !renderedAt ? now : renderedAt;
}
