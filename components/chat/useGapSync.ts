"use client";

import { useCallback, useEffect, useRef, type MutableRefObject } from "react";
import { gapPositions, type ChatState } from "./store";

/** Wait after a gap shows before asking: a live event still on its way usually closes it first. */
export const GAP_SYNC_DELAY_MS = 1_000;
/** A gap that a catch-up left exactly as it was is asked about again, each time twice as late, up to this. */
const GAP_SYNC_MAX_DELAY_MS = 30_000;

/**
 * Catches up a loaded thread that may be missing something (store.ts `gapPositions`: a position
 * held out of order, or a conversation end beyond its cursor) without waiting for a reconnect:
 * `catchUp(since)` runs `sync` from those cursors GAP_SYNC_DELAY_MS after the gap shows, only while
 * connected (a reconnect syncs everything anyway) and never beside another catch-up (`syncing`
 * counts those under way). Any change in the gaps (a cursor moved, a new gap) starts over at
 * GAP_SYNC_DELAY_MS; only gaps that a catch-up left unchanged (a refused or lost `sync`) back off.
 * Issue 11, item 1; docs/protocol.md, "Catching up".
 */
export function useGapSync(
  state: ChatState,
  stateRef: MutableRefObject<ChatState>,
  syncing: MutableRefObject<number>,
  catchUp: (since: Record<string, number>) => Promise<void>,
): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** the delay the pending timer was set for */
  const armedFor = useRef(0);
  /** the gaps (as JSON) the last catch-up asked about, and how many catch-ups in a row found them so */
  const asked = useRef("");
  const tries = useRef(0);
  const disposed = useRef(false);
  const catchUpRef = useRef(catchUp);
  catchUpRef.current = catchUp;

  const check = useCallback(() => {
    if (disposed.current) return;
    const s = stateRef.current;
    const key = s.connection === "connected" ? JSON.stringify(gapPositions(s)) : "{}";
    if (key === "{}") {
      clearTimeout(timer.current);
      timer.current = undefined;
      tries.current = 0;
      return;
    }
    if (key !== asked.current) tries.current = 0;
    const wanted = Math.min(GAP_SYNC_DELAY_MS * 2 ** tries.current, GAP_SYNC_MAX_DELAY_MS);
    // a pending timer that comes sooner stays (a stream of events must not put the catch-up off)
    if (timer.current !== undefined && armedFor.current <= wanted) return;
    clearTimeout(timer.current);
    armedFor.current = wanted;
    timer.current = setTimeout(async () => {
      timer.current = undefined;
      const now = stateRef.current;
      const since = gapPositions(now);
      if (now.connection === "connected" && Object.keys(since).length > 0 && syncing.current === 0) {
        asked.current = JSON.stringify(since);
        tries.current += 1;
        await catchUpRef.current(since).catch(() => {});
      }
      check();
    }, wanted);
  }, [stateRef, syncing]);

  useEffect(check, [state.threads, state.conversations, state.connection, check]);
  useEffect(() => {
    disposed.current = false;
    return () => {
      disposed.current = true;
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, []);
}
