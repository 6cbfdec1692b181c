/**
 * What a conversation page brought with it (its OpeningView) as the store holds it once primed.
 * The server renders the page from this, and hydration sees the same, before the store has it. Pure.
 */
import type { ConversationView, OpeningView } from "@/lib/conversations/types";
import { chatReducer } from "./reducer";
import { initialChatState, type Timeline } from "./state";

/** The conversation and its first page, as `prime(opening)` puts them in a store that held neither. */
export function openedWith(meId: string, { conversation, messages, hasMore }: OpeningView): { conversation: ConversationView; timeline: Timeline } {
  const upserted = chatReducer(initialChatState(meId), { type: "conversation:upsert", conversation, since: 0 });
  const state = chatReducer(upserted, { type: "timeline:loaded", conversationId: conversation.id, messages, hasMore });
  return { conversation: state.conversations[conversation.id], timeline: state.timelines[conversation.id] };
}
