/** The chat state held outside React: the client dispatches into it, the provider subscribes to it. */
import { chatReducer } from "./reducer";
import { initialChatState, type ChatAction, type ChatState } from "./state";

export interface ChatStore {
  /** The current state; the same object until an action changes it (useSyncExternalStore relies on that). */
  getState(): ChatState;
  /** Applies one action at once (synchronously) and tells the subscribers when the state changed. */
  dispatch(action: ChatAction): void;
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** A store for the signed-in user `meId`, starting from the empty state (list loading, connecting). */
export function createChatStore(meId: string): ChatStore {
  let state = initialChatState(meId);
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = chatReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Calls `onChange` whenever one of the parts `pick` returns changes identity (and once at the start). */
export function watch(store: ChatStore, pick: (s: ChatState) => readonly unknown[], onChange: () => void): () => void {
  let last = pick(store.getState());
  onChange();
  return store.subscribe(() => {
    const now = pick(store.getState());
    if (now.every((part, i) => part === last[i])) return;
    last = now;
    onChange();
  });
}
