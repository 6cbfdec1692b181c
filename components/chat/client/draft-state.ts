/** How the saved drafts (`state.drafts`) change: pure, used by ./reducer.ts. */
import type { ChatState } from "./state";

/** Whether `text` is worth keeping as a draft: whitespace alone is not. */
export const isDraft = (text: string | undefined): text is string => !!text && text.trim() !== "";

/**
 * `state` with `changes` saved (blank text drops a draft). Once the list has loaded, a draft for a
 * conversation it lacks is not taken: the user left it (or it was deleted) while the text waited.
 * The same object when nothing changes.
 */
export function applyDrafts(state: ChatState, changes: Record<string, string>): ChatState {
  let drafts = state.drafts;
  for (const [conversationId, text] of Object.entries(changes)) {
    const keep = isDraft(text) && (state.listStatus !== "ready" || !!state.conversations[conversationId]);
    if (keep ? drafts[conversationId] === text : !(conversationId in drafts)) continue;
    drafts = { ...drafts };
    if (keep) drafts[conversationId] = text;
    else delete drafts[conversationId];
  }
  return drafts === state.drafts ? state : { ...state, drafts };
}

/** The drafts of the conversations still in `conversations` (the same object when all are). */
export function keepDrafts(drafts: ChatState["drafts"], conversations: ChatState["conversations"]): ChatState["drafts"] {
  const ids = Object.keys(drafts);
  if (ids.every((id) => conversations[id])) return drafts;
  return Object.fromEntries(ids.filter((id) => conversations[id]).map((id) => [id, drafts[id]]));
}
