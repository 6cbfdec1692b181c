"use client";

import { useEffect, useRef, type Dispatch } from "react";
import { chatApi } from "./api";
import type { ChatAction } from "./store";

/** Wait before asking, so a burst of deletions (or a sync page) costs one request per conversation. */
export const RECOUNT_DELAY_MS = 300;
/** Views that keep coming back older than what is held (a busy conversation): give up after this many. */
const RECOUNT_TRIES = 5;

/**
 * Asks the server for the view of every conversation marked in `recount` (./unread.ts), at most one
 * request in flight per conversation, each try a little later than the one before. The reducer
 * takes the view, or keeps the mark when it is stale (then this asks again); an error or too many
 * stale views drop the mark (the next reconnect's list, or the next unsure change, puts it right).
 */
export function useRecounts(recount: Record<string, true>, dispatch: Dispatch<ChatAction>): void {
  const inFlight = useRef(new Map<string, ReturnType<typeof setTimeout> | "asking">());
  const tries = useRef(new Map<string, number>());

  useEffect(() => {
    for (const id of tries.current.keys()) if (!recount[id] && !inFlight.current.has(id)) tries.current.delete(id);
    for (const id of Object.keys(recount)) {
      if (inFlight.current.has(id)) continue;
      const n = tries.current.get(id) ?? 0;
      if (n >= RECOUNT_TRIES) {
        tries.current.delete(id);
        dispatch({ type: "recount:abandon", conversationId: id });
        continue;
      }
      tries.current.set(id, n + 1);
      const timer = setTimeout(() => {
        inFlight.current.set(id, "asking");
        chatApi.getConversation(id).then(
          ({ conversation }) => {
            inFlight.current.delete(id);
            dispatch({ type: "conversation:refreshed", conversation });
          },
          () => {
            inFlight.current.delete(id);
            tries.current.delete(id);
            dispatch({ type: "recount:abandon", conversationId: id });
          },
        );
      }, RECOUNT_DELAY_MS * (n + 1));
      inFlight.current.set(id, timer);
    }
  }, [recount, dispatch]);

  useEffect(() => {
    const pending = inFlight.current;
    return () => {
      for (const t of pending.values()) if (t !== "asking") clearTimeout(t);
      pending.clear();
    };
  }, []);
}
