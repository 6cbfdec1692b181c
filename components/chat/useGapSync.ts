"use client";

import { useCallback, useEffect, useRef, type MutableRefObject } from "react";
import { gapPositions, type ChatState } from "./store";

/** Wait after a gap shows before asking: a live event still on its way usually closes it first. */
export const GAP_SYNC_DELAY_MS = 1_000;
/** A gap that a catch-up did not close is asked about again, each time twice as late, up to this. */
const GAP_SYNC_MAX_DELAY_MS = 30_000;

/**
 * Catches up a loaded thread that may be missing something (store.ts `gapPositions`: a position
 * held out of order, or a conversation end beyond its cursor) without waiting for a reconnect:
 * `catchUp(since)` runs `sync` from those cursors GAP_SYNC_DELAY_MS after the gap shows, only while
 * connected (a reconnect syncs everything anyway) and never beside another catch-up (`syncing`
 * counts those under way). Issue 11, item 1; docs/protocol.md, "Catching up".
 */
export function useGapSync(
  state: ChatState,
  stateRef: MutableRefObject<ChatState>,
  syncing: MutableRefObject<number>,
  catchUp: (since: Record<string, number>) => Promise<void>,
): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const delay = useRef(GAP_SYNC_DELAY_MS);
  const disposed = useRef(false);
  const catchUpRef = useRef(catchUp);
  catchUpRef.current = catchUp;

  const check = useCallback(() => {
    if (timer.current !== undefined || disposed.current) return;
    const s = stateRef.current;
    if (s.connection !== "connected" || Object.keys(gapPositions(s)).length === 0) {
      delay.current = GAP_SYNC_DELAY_MS;
      return;
    }
    timer.current = setTimeout(async () => {
      const now = stateRef.current;
      const since = gapPositions(now);
      if (now.connection === "connected" && Object.keys(since).length > 0 && syncing.current === 0) {
        await catchUpRef.current(since).catch(() => {});
        delay.current = Math.min(delay.current * 2, GAP_SYNC_MAX_DELAY_MS);
      }
      timer.current = undefined;
      check();
    }, delay.current);
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
