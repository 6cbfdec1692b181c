/** Loading a conversation's timeline: its newest page, older pages, or the page the server rendered with. */
import type { ChatActions } from "./actions";
import type { ChatCore } from "./core";

/** The timeline loading actions of one client. */
export function timelineActions({ store, api }: Pick<ChatCore, "store" | "api">): Pick<ChatActions, "loadTimeline" | "loadOlder" | "prime"> {
  const { dispatch, getState } = store;
  return {
    async loadTimeline(conversationId) {
      const held = getState().timelines[conversationId];
      if (held && held.status !== "error") return;
      dispatch({ type: "timeline:loading", conversationId });
      try {
        const { messages, hasMore } = await api.messages(conversationId);
        dispatch({ type: "timeline:loaded", conversationId, messages, hasMore });
      } catch {
        dispatch({ type: "timeline:error", conversationId });
      }
    },
    async loadOlder(conversationId) {
      const timeline = getState().timelines[conversationId];
      if (!timeline || timeline.status !== "ready" || !timeline.hasOlder || timeline.loadingOlder || !timeline.items.length) return;
      dispatch({ type: "timeline:older-loading", conversationId, loading: true });
      try {
        const { messages, hasMore } = await api.messages(conversationId, { before: timeline.items[0].seq });
        dispatch({ type: "timeline:older", conversationId, messages, hasMore });
      } catch {
        dispatch({ type: "timeline:older-loading", conversationId, loading: false });
      }
    },
    prime({ conversation, messages, hasMore }) {
      if (!getState().conversations[conversation.id]) dispatch({ type: "conversation:upsert", conversation, since: 0 });
      const held = getState().timelines[conversation.id];
      if (!held || held.status === "error") dispatch({ type: "timeline:loaded", conversationId: conversation.id, messages, hasMore });
    },
  };
}
