/**
 * Unsent composer text per conversation. The page's copy follows every keystroke; it is saved into
 * the store (`state.drafts`, which the sidebar shows) and onto the device (./draft-storage.ts) at
 * most every DRAFT_SAVE_DELAY_MS, and at once when the conversation changes, the page is hidden or
 * the client stops. Whatever leaves `state.drafts` (a send, a removal from the conversation, a
 * fresh list without it) leaves the device too.
 */
import type { ChatActions } from "./actions";
import { loadDrafts, saveDraft, type DraftStorage } from "./draft-storage";
import type { ChatStore } from "./store";

/** How long typing may go unsaved. */
export const DRAFT_SAVE_DELAY_MS = 300;

export interface DraftsOptions {
  store: ChatStore;
  /** Where drafts are kept on this device; null: only while the page lives. */
  storage: DraftStorage | null;
  /** Current time in ms (tests pass a clock). */
  now?: () => number;
}

export interface Drafts {
  actions: Pick<ChatActions, "getDraft" | "setDraft">;
  /** Saves what was typed since the last save, now. */
  flush(): void;
  /** Drops a conversation's draft at once (its message was sent). */
  clear(conversationId: string): void;
  /** Saves when the page is hidden or left (a reload, a closed tab); returns the function that stops. */
  watchPageHide(): () => void;
}

/** Restores `store`'s user's drafts from `storage` and keeps the two in step from then on. */
export function createDrafts({ store, storage, now = Date.now }: DraftsOptions): Drafts {
  const { meId } = store.getState();
  const texts = new Map(Object.entries(loadDrafts(storage, meId, now())));
  const unsaved = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  store.dispatch({ type: "drafts", drafts: Object.fromEntries(texts) });
  // dropped at once, when the page's list does not hold their conversation: gone from the device too
  for (const id of [...texts.keys()]) {
    if (id in store.getState().drafts) continue;
    saveDraft(storage, meId, id, undefined, now());
    texts.delete(id);
  }

  // the device follows the store: one write per draft that changed, one removal per draft gone
  let saved = store.getState().drafts;
  store.subscribe(() => {
    const next = store.getState().drafts;
    if (next === saved) return;
    for (const id of new Set([...Object.keys(saved), ...Object.keys(next)])) {
      if (next[id] === saved[id]) continue;
      saveDraft(storage, meId, id, next[id], now());
      if (!(id in next) && !unsaved.has(id)) texts.delete(id);
    }
    saved = next;
  });

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    if (unsaved.size === 0) return;
    const changes = Object.fromEntries([...unsaved].map((id) => [id, texts.get(id) ?? ""]));
    unsaved.clear();
    store.dispatch({ type: "drafts", drafts: changes });
  }

  return {
    actions: {
      getDraft: (conversationId) => texts.get(conversationId) ?? "",
      setDraft(conversationId, text) {
        if (text) texts.set(conversationId, text);
        else texts.delete(conversationId);
        unsaved.add(conversationId);
        timer ??= setTimeout(flush, DRAFT_SAVE_DELAY_MS);
      },
    },
    flush,
    clear(conversationId) {
      texts.delete(conversationId);
      unsaved.delete(conversationId);
      store.dispatch({ type: "drafts", drafts: { [conversationId]: "" } });
    },
    watchPageHide() {
      if (typeof window === "undefined" || typeof document === "undefined") return () => {};
      const onVisibility = () => document.visibilityState === "hidden" && flush();
      window.addEventListener("pagehide", flush);
      document.addEventListener("visibilitychange", onVisibility);
      return () => {
        window.removeEventListener("pagehide", flush);
        document.removeEventListener("visibilitychange", onVisibility);
      };
    },
  };
}
