/** Unsent composer text per conversation, kept while the page lives (switching conversations keeps it). */
import type { ChatActions } from "./actions";

/** A fresh, empty set of drafts. */
export function draftActions(): Pick<ChatActions, "getDraft" | "setDraft"> {
  const drafts = new Map<string, string>();
  return {
    getDraft: (conversationId) => drafts.get(conversationId) ?? "",
    setDraft(conversationId, text) {
      if (text) drafts.set(conversationId, text);
      else drafts.delete(conversationId);
    },
  };
}
