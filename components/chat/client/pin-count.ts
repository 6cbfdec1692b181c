/**
 * Keeping a conversation's `pinnedCount` true on an open page (issue 13, item 6), without the
 * server sending anything but `message:updated`: a pin or unpin of a message the page holds (in the
 * timeline, its window or as the last message) moves the count by one. A change to a message it does
 * not hold may have pinned or unpinned it: in a loaded timeline the conversation is then marked for a
 * recount (./recounts.ts asks for its view, debounced, one request per burst). In a conversation
 * known only from the list, where edits and reactions to unheld messages are common and must not
 * cost a request each, only a change that leaves a message pinned is recounted; an unpin there is
 * caught up by the next list (every reconnect) or when the pinned list is opened, which sets the
 * count. Pure.
 */
import type { MessageView } from "@/lib/messages/types";
import type { ChatState } from "./state";

/** The count after `known` (held) became `m`. */
export function pinCount(count: number, known: MessageView, m: MessageView): number {
  if (Boolean(known.pinnedAt) === Boolean(m.pinnedAt)) return count;
  return Math.max(0, count + (m.pinnedAt ? 1 : -1));
}

/**
 * Whether applying `m` may leave its conversation's pinned count wrong: a change (not a new message)
 * to a message the page holds nowhere, newer than the view held. Evaluated on the state just before `m`.
 */
export function pinUnsure(state: ChatState, m: MessageView): boolean {
  const c = state.conversations[m.conversationId];
  if (!c || m.rev === m.seq || m.rev <= c.lastSeq) return false;
  if (c.lastMessage?.id === m.id) return false; // held as the last message: counted from it (./timeline.ts)
  const timeline = state.timelines[m.conversationId];
  const held = timeline?.status === "ready" && timeline.items.some((x) => x.id === m.id) || timeline?.window?.items.some((x) => x.id === m.id);
  if (held) return false;
  return timeline?.status === "ready" || m.pinnedAt !== null;
}
