/**
 * Catching up (docs/protocol.md, "Catching up"): the conversation list fetched again, then `sync`
 * from the timelines' cursors, again while the server says there is more.
 */
import type { ConversationView } from "@/lib/conversations/types";
import type { ChatCore } from "./core";
import { syncPositions } from "./selectors";
import type { ChatSocket } from "./socket";

/** How long one `sync` request waits for its answer. */
export const SYNC_TIMEOUT_MS = 10_000;
/** `sync` requests at most in one catch-up (each answer is a page). */
export const MAX_ROUNDS = 100;

export interface CatchUp {
  /** Fetches the conversation list into the store; the list, or null when the fetch failed. */
  refreshList(): Promise<ConversationView[] | null>;
  /**
   * Catches up from `from` (cursors: syncPositions or gapPositions), only for conversations the
   * fresh list `current` still has (sync refuses others; null: no fresh list, ask for all).
   */
  sync(socket: ChatSocket, current: ConversationView[] | null, from: Record<string, number>): Promise<void>;
  /** After a (re)connect or a resync: the list again, then `sync` from every loaded timeline's cursor. */
  fromCursors(socket: ChatSocket): Promise<void>;
  /** `sync` requests under way (a gap's catch-up waits for them). */
  syncing(): number;
}

function only(list: ConversationView[] | null, positions: Record<string, number>): Record<string, number> {
  const ids = list ? new Set(list.map((c) => c.id)) : null;
  return Object.fromEntries(Object.entries(positions).filter(([id]) => !ids || ids.has(id)));
}

/** The catch-up of one client. */
export function createCatchUp({ store, api }: Pick<ChatCore, "store" | "api">): CatchUp {
  let syncing = 0;

  async function refreshList(): Promise<ConversationView[] | null> {
    store.dispatch({ type: "list:loading" });
    const since = store.getState().marks.clock;
    try {
      const { conversations } = await api.listConversations();
      store.dispatch({ type: "list:loaded", conversations, since });
      return conversations;
    } catch {
      store.dispatch({ type: "list:error" });
      return null;
    }
  }

  // Each answer goes to the store as a "sync" action with the ends known when it was asked, which is what lets the cursors move.
  async function sync(socket: ChatSocket, current: ConversationView[] | null, from: Record<string, number>): Promise<void> {
    let since = only(current, from);
    const conversations = store.getState().conversations;
    const ends = Object.fromEntries(Object.keys(since).map((id) => [id, conversations[id]?.lastSeq ?? 0]));
    let refetched = false;
    syncing += 1;
    try {
      for (let round = 0; round < MAX_ROUNDS && Object.keys(since).length > 0; round++) {
        let res;
        try {
          res = await socket.timeout(SYNC_TIMEOUT_MS).emitWithAck("sync", { since });
        } catch {
          return;
        }
        if (!res.ok && res.error.code === "not_found" && !refetched) {
          // removed from a conversation since the list was fetched: catch up on the others
          refetched = true;
          const fresh = await refreshList();
          if (!fresh) return;
          since = only(fresh, since);
          continue;
        }
        if (!res.ok) return;
        const asked = Object.fromEntries(Object.keys(since).map((id) => [id, ends[id] ?? 0]));
        store.dispatch({ type: "sync", messages: res.messages, hasMore: res.hasMore, ends: asked });
        if (!res.hasMore || res.messages.length === 0) return;
        // again, from the highest rev each answer brought
        since = { ...since };
        for (const m of res.messages) since[m.conversationId] = Math.max(since[m.conversationId] ?? 0, m.rev);
      }
    } finally {
      syncing -= 1;
    }
  }

  return {
    refreshList,
    sync,
    // from the cursors, which nothing received out of order (the outbox's acks included) moves
    fromCursors: (socket) => refreshList().then((list) => sync(socket, list, syncPositions(store.getState()))),
    syncing: () => syncing,
  };
}
