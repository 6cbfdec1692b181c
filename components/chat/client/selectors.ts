/** Read-only views of the chat state, for the UI and for catch-up. */
import type { ConversationView } from "@/lib/conversations/types";
import { hasGap } from "./cursor";
import type { ChatState } from "./state";

/** Last activity: the last message's time, else when the conversation was created. */
export function lastActivity(c: ConversationView): string {
  return c.lastMessage?.createdAt ?? c.createdAt;
}

/**
 * Whether the members' `online` flags can be trusted: while the socket is down (reconnecting, or
 * refused) no presence event reaches this page, so an "online" from before would be a guess. The
 * first connect counts as known: the list it shows was just rendered or fetched by the server.
 */
export function presenceKnown(state: Pick<ChatState, "connection">): boolean {
  return state.connection === "connected" || state.connection === "connecting";
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

/** Unread messages over all conversations (the tab title's count); a muted one (notifications "none") adds nothing. */
export function unreadTotal(state: ChatState): number {
  return Object.values(state.conversations).reduce((n, c) => n + (c.notifications === "none" ? 0 : c.unreadCount), 0);
}

/**
 * The conversation Alt+↑ (`step` -1) or Alt+↓ (`step` 1) opens from `activeId`, in the sidebar's
 * order (`sortedConversations`: the most recently active first). It stops at the ends: Alt+↑ on
 * the top one and Alt+↓ on the bottom one open nothing (null), so holding the key cannot run round
 * the list. With none open (or the open one not in the list), either key opens the top one.
 */
export function adjacentConversation(conversations: ChatState["conversations"], activeId: string | null, step: -1 | 1): string | null {
  const list = sortedConversations(conversations);
  const at = activeId === null ? -1 : list.findIndex((c) => c.id === activeId);
  if (at === -1) return list[0]?.id ?? null;
  return list[at + step]?.id ?? null;
}
