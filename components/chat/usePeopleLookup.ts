"use client";

import { useCallback, useEffect, useRef, type Dispatch } from "react";
import { chatApi } from "./api";
import type { ChatAction } from "./store";

/** The server's cap on ids per lookup (lib/platform/validation.ts PROFILE_LOOKUP_MAX). */
const BATCH = 100;
/** Ids asked for within this window go out in one request. */
const GATHER_MS = 30;
/** After a failed lookup, its ids may be asked for again after this long. */
const RETRY_AFTER_MS = 10_000;

/**
 * Looks up public profiles by id for senders who are not members (GET /api/users?ids=): each id once
 * while it is held in `state.people` (asked again after the store forgets it), gathered into batches, the answers kept in `state.people` (./people.ts). Returns the
 * stable function components call with the ids they cannot name.
 */
export function usePeopleLookup(dispatch: Dispatch<ChatAction>): (ids: string[]) => void {
  const asked = useRef(new Set<string>());
  const queue = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  return useCallback(
    (ids: string[]) => {
      for (const id of ids) {
        if (asked.current.has(id)) continue;
        asked.current.add(id);
        queue.current.add(id);
      }
      if (!queue.current.size || timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        const all = [...queue.current];
        queue.current.clear();
        for (let i = 0; i < all.length; i += BATCH) {
          const chunk = all.slice(i, i + BATCH);
          chatApi.lookupUsers(chunk).then(
            ({ users }) => {
              dispatch({ type: "people:loaded", users, asked: chunk });
              // answered: `state.people` now says who they are; one forgotten there (forgetDeparted) may be asked again
              chunk.forEach((id) => asked.current.delete(id));
            },
            () => setTimeout(() => chunk.forEach((id) => asked.current.delete(id)), RETRY_AFTER_MS),
          );
        }
      }, GATHER_MS);
    },
    [dispatch],
  );
}
