/** Read-only views of the chat state, for the UI and for catch-up. */
import type { ConversationView } from "@/lib/conversations/types";
import { hasGap } from "./cursor";
import type { ChatState } from "./state";

/** Last activity: the last message's time, else when the conversation was created. */
export function lastActivity(c: ConversationView): string {
  return c.lastMessage?.createdAt ?? c.createdAt;
}

/** Conversations, the most recently active first. */
export function sortedConversations(conversations: ChatState["conversations"]): ConversationView[] {
  return Object.values(conversations).sort((a, b) => lastActivity(b).localeCompare(lastActivity(a)) || b.lastSeq - a.lastSeq);
}

/**
 * Per loaded timeline, the position up to which this client holds everything (its cursor, never the
 * highest rev held: an own acknowledgement or a message seen out of order can be above a missed
 * one), for `sync` after a (re)connect. Conversations known only from the list have none: the list
 * itself is fetched again on connect, and their timeline is loaded fresh when opened.
 */
export function syncPositions(state: ChatState): Record<string, number> {
  const since: Record<string, number> = {};
  for (const c of Object.values(state.conversations)) {
    const timeline = state.timelines[c.id];
    if (timeline?.status === "ready") since[c.id] = timeline.cursor.synced;
  }
  return since;
}

/** The cursors of the loaded timelines that may be missing something (cursor.ts `hasGap`): what a catch-up `sync` asks for. */
export function gapPositions(state: ChatState): Record<string, number> {
  const since: Record<string, number> = {};
  for (const c of Object.values(state.conversations)) {
    const timeline = state.timelines[c.id];
    if (timeline?.status === "ready" && hasGap(timeline.cursor, c.lastSeq)) since[c.id] = timeline.cursor.synced;
  }
  return since;
}

/** Unread messages over all conversations (the tab title's count). */
export function unreadTotal(state: ChatState): number {
  return Object.values(state.conversations).reduce((n, c) => n + c.unreadCount, 0);
}
