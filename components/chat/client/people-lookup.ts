/**
 * Looks up public profiles by id for senders who are not members (GET /api/users?ids=): each id once
 * while it is held in `state.people` (asked again after the store forgets it), gathered into
 * batches, the answers kept in `state.people` (./people.ts).
 */
import { PROFILE_LOOKUP_MAX } from "@/lib/people/rules";
import type { ChatCore } from "./core";

/** The server's cap on ids per lookup. */
const BATCH = PROFILE_LOOKUP_MAX;
/** Ids asked for within this window go out in one request. */
const GATHER_MS = 30;
/** After a failed lookup, its ids may be asked for again after this long. */
const RETRY_AFTER_MS = 10_000;

export interface PeopleLookup {
  /** Asks for the profiles of these ids (those not asked for already), within GATHER_MS. */
  lookup(ids: string[]): void;
  /** Drops a gathering batch not sent yet. */
  dispose(): void;
}

/** One client's profile lookups. */
export function createPeopleLookup({ store, api }: Pick<ChatCore, "store" | "api">): PeopleLookup {
  const asked = new Set<string>();
  const queue = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = () => {
    timer = undefined;
    const all = [...queue];
    queue.clear();
    for (let i = 0; i < all.length; i += BATCH) {
      const chunk = all.slice(i, i + BATCH);
      const since = store.getState().marks.clock;
      api.lookupUsers(chunk).then(
        ({ users }) => {
          store.dispatch({ type: "people:loaded", users, asked: chunk, since });
          // answered: `state.people` now says who they are; one forgotten there (forgetDeparted) may be asked again
          chunk.forEach((id) => asked.delete(id));
        },
        () => setTimeout(() => chunk.forEach((id) => asked.delete(id)), RETRY_AFTER_MS),
      );
    }
  };

  return {
    lookup(ids) {
      for (const id of ids) {
        if (asked.has(id)) continue;
        asked.add(id);
        queue.add(id);
      }
      if (!queue.size || timer) return;
      timer = setTimeout(send, GATHER_MS);
    },
    dispose() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
