/**
 * Catches up a loaded timeline that may be missing something (selectors.ts `gapPositions`: a
 * position held out of order, or a conversation end beyond its cursor) without waiting for a
 * reconnect: `sync` from those cursors GAP_SYNC_DELAY_MS after the gap shows, only while connected
 * (a reconnect syncs everything anyway) and never beside another catch-up. Any change in the gaps
 * (a cursor moved, a new gap) starts over at GAP_SYNC_DELAY_MS; only gaps that a catch-up left
 * unchanged (a refused or lost `sync`) back off. Issue 11, item 1; docs/protocol.md, "Catching up".
 */
import type { ChatCore } from "./core";
import { gapPositions } from "./selectors";
import { watch } from "./store";
import type { CatchUp } from "./sync";

/** Wait after a gap shows before asking: a live event still on its way usually closes it first. */
export const GAP_SYNC_DELAY_MS = 1_000;
/** A gap that a catch-up left exactly as it was is asked about again, each time twice as late, up to this. */
const GAP_SYNC_MAX_DELAY_MS = 30_000;

/** Watches the store for gaps while the client runs; returns the function that stops watching. */
export function watchGaps({ store, connected }: Pick<ChatCore, "store" | "connected">, catchUp: CatchUp): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** the delay the pending timer was set for */
  let armedFor = 0;
  /** the gaps (as JSON) the last catch-up asked about, and how many catch-ups in a row found them so */
  let asked = "";
  let tries = 0;
  let disposed = false;

  const check = () => {
    if (disposed) return;
    const s = store.getState();
    const key = s.connection === "connected" ? JSON.stringify(gapPositions(s)) : "{}";
    if (key === "{}") {
      clearTimeout(timer);
      timer = undefined;
      tries = 0;
      return;
    }
    if (key !== asked) tries = 0;
    const wanted = Math.min(GAP_SYNC_DELAY_MS * 2 ** tries, GAP_SYNC_MAX_DELAY_MS);
    // a pending timer that comes sooner stays (a stream of events must not put the catch-up off)
    if (timer !== undefined && armedFor <= wanted) return;
    clearTimeout(timer);
    armedFor = wanted;
    timer = setTimeout(async () => {
      timer = undefined;
      const now = store.getState();
      const since = gapPositions(now);
      if (now.connection === "connected" && Object.keys(since).length > 0 && catchUp.syncing() === 0) {
        asked = JSON.stringify(since);
        tries += 1;
        const socket = connected();
        if (socket) await catchUp.sync(socket, null, since).catch(() => {});
      }
      check();
    }, wanted);
  };

  const unwatch = watch(store, (s) => [s.timelines, s.conversations, s.connection], check);
  return () => {
    disposed = true;
    unwatch();
    clearTimeout(timer);
    timer = undefined;
  };
}
