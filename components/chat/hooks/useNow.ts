"use client";

import { createContext, useContext, useEffect, useMemo, useState } from "react";
import { useHydrated } from "./useHydrated";

/**
 * The clock the server rendered the page with: its time then (ISO 8601) and the reader's time zone
 * (an IANA name, from the `tz` cookie the page sets, else "UTC"). Provided by the signed-in shell.
 */
export interface RenderedClock {
  at: string;
  timeZone: string;
}

export const RenderedClockContext = createContext<RenderedClock | null>(null);

/**
 * The time zone to show times in: the one the server rendered with while the page hydrates (so
 * hydration sees the same text and the same day dividers), then the browser's own (undefined).
 */
export function useTimeZone(): string | undefined {
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
