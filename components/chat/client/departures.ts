/**
 * Conversations one was removed from while this page was open. A removal takes the conversation out
 * of the list like any departure, but the page showing it keeps what it held, read-only, with who
 * removed one (DESIGN.md: a removed member sees why), instead of leaving without a word. Pure.
 */
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { NO_CURSOR } from "./cursor";
import type { ChatState, Timeline } from "./state";

/** What a removed member keeps of a conversation: its view and messages as they were, and who removed them. */
export interface Departure {
  conversation: ConversationView;
  messages: MessageView[];
  /** the member who removed one */
  by: string;
}

/**
 * Keeps what `state` holds of the conversation one was just removed from by `by` (called on the
 * state before the removal is applied); the same state when it holds nothing of it.
 */
export function keepDeparture(state: ChatState, conversationId: string, by: string): ChatState {
  const conversation = state.conversations[conversationId];
  if (!conversation) return state;
  const timeline = state.timelines[conversationId];
  const messages = timeline?.status === "ready" ? timeline.items : [];
  return { ...state, departed: { ...state.departed, [conversationId]: { conversation, messages, by } } };
}

/** A departure's messages as a finished timeline (nothing older to load), for the read-only page. */
export function departedTimeline(departure: Departure | undefined): Timeline | undefined {
  return departure && { status: "ready", items: departure.messages, hasOlder: false, loadingOlder: false, cursor: NO_CURSOR };
}
