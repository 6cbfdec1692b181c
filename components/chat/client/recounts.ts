/**
 * Asks the server for the view of every conversation marked in `recount` (./unread.ts), at most one
 * request in flight per conversation, each try a little later than the one before. The reducer
 * takes the view, or keeps the mark when it is stale (then this asks again); an error or too many
 * stale views drop the mark (the next reconnect's list, or the next unsure change, puts it right).
 */
import type { ChatCore } from "./core";
import { watch } from "./store";

/** Wait before asking, so a burst of deletions (or a sync page) costs one request per conversation. */
export const RECOUNT_DELAY_MS = 300;
/** Views that keep coming back older than what is held (a busy conversation): give up after this many. */
const RECOUNT_TRIES = 5;

/** Watches the store's recount marks while the client runs; returns the function that stops. */
export function watchRecounts({ store, api }: Pick<ChatCore, "store" | "api">): () => void {
  const inFlight = new Map<string, ReturnType<typeof setTimeout> | "asking">();
  const tries = new Map<string, number>();

  const check = () => {
    const { recount } = store.getState();
    for (const id of tries.keys()) if (!recount[id] && !inFlight.has(id)) tries.delete(id);
    for (const id of Object.keys(recount)) {
      if (inFlight.has(id)) continue;
      const n = tries.get(id) ?? 0;
      if (n >= RECOUNT_TRIES) {
        tries.delete(id);
        store.dispatch({ type: "recount:abandon", conversationId: id });
        continue;
      }
      tries.set(id, n + 1);
      const timer = setTimeout(() => {
        inFlight.set(id, "asking");
        const since = store.getState().marks.clock;
        api.getConversation(id).then(
          ({ conversation }) => {
            inFlight.delete(id);
            store.dispatch({ type: "conversation:refreshed", conversation, since });
          },
          () => {
            inFlight.delete(id);
            tries.delete(id);
            store.dispatch({ type: "recount:abandon", conversationId: id });
          },
        );
      }, RECOUNT_DELAY_MS * (n + 1));
      inFlight.set(id, timer);
    }
  };

  const unwatch = watch(store, (s) => [s.recount], check);
  return () => {
    unwatch();
    for (const t of inFlight.values()) if (t !== "asking") clearTimeout(t);
    inFlight.clear();
  };
}
