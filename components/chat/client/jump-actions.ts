/** Jumping to a message that may not be loaded (a reply's original, a pin, the first unread), the window around it, and the pinned list. */
import type { ChatActions } from "./actions";
import type { ChatCore } from "./core";
import { inWindow } from "./window";

/** The jump and pin-list actions of one client. */
export function jumpActions({ store, api }: Pick<ChatCore, "store" | "api">): Pick<ChatActions, "jumpTo" | "loadWindowPage" | "closeWindow" | "listPins"> {
  const { dispatch, getState } = store;
  return {
    async jumpTo(conversationId, seq, messageId) {
      const timeline = getState().timelines[conversationId];
      if (timeline?.status !== "ready") return false;
      if (messageId !== null) {
        if (timeline.items.some((m) => m.id === messageId)) {
          // held at the live end: leave any older stretch and show it there
          dispatch({ type: "window:close", conversationId });
          return true;
        }
        if (inWindow(timeline, messageId)) return true;
      }
      try {
        const page = await api.around(conversationId, seq);
        dispatch({ type: "window:loaded", conversationId, ...page, focusId: messageId });
        return true;
      } catch {
        return false;
      }
    },
    async loadWindowPage(conversationId, direction) {
      const window = getState().timelines[conversationId]?.window;
      if (!window || window.loading || !window.items.length) return;
      if (direction === "older" ? !window.hasMoreBefore : !window.hasMoreAfter) return;
      dispatch({ type: "window:loading", conversationId, direction });
      try {
        const { messages, hasMore } =
          direction === "older"
            ? await api.messages(conversationId, { before: window.items[0].seq })
            : await api.newer(conversationId, window.items[window.items.length - 1].seq);
        dispatch({ type: "window:page", conversationId, direction, messages, hasMore });
      } catch {
        dispatch({ type: "window:loading", conversationId, direction: null });
      }
    },
    closeWindow(conversationId) {
      dispatch({ type: "window:close", conversationId });
    },
    async listPins(conversationId) {
      const { messages } = await api.pins(conversationId);
      dispatch({ type: "pins:loaded", conversationId, count: messages.length });
      return messages;
    },
  };
}
