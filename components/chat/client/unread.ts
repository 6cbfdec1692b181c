/**
 * Keeping unread counts true on an open page. The reducer counts what it can work out from what it
 * holds (a new message in a loaded timeline, the deletion of a message it holds, a read inside the
 * loaded page). Where it cannot — a deletion or an out-of-order message in a conversation whose
 * timeline is not loaded, an edit there that may add or drop a mention of me (the mention count,
 * `unreadMentions`, follows the same rules), a change already reflected in a fresher server view, a read from another tab
 * that lands before the loaded page — the conversation is marked for a recount, and the client
 * asks the server for that conversation's view (GET /api/conversations/:id), debounced, and takes
 * its count once the view is at least as new as everything applied (`isStaleView`).
 * Pure; docs/chat-ui.md "Unread counts" lists the cases.
 */
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { mentionsMe } from "./mentions";
import type { ChatState } from "./state";

/**
 * Whether applying `m` may leave its conversation's unread count wrong (it is not one the reducer
 * counts exactly). Evaluated on the state just before `m` is applied.
 */
export function countUnsure(state: ChatState, m: MessageView): boolean {
  const c = state.conversations[m.conversationId];
  if (!c || m.senderId === state.meId || m.seq <= c.lastReadSeq || m.kind === "system") return false; // never counted as unread
  const timeline = state.timelines[m.conversationId];
  const ready = timeline?.status === "ready";
  const known = ready ? timeline.items.find((x) => x.id === m.id) : undefined;
  if (known && known.rev >= m.rev) return false; // a duplicate: ignored
  if (c.lastMessage?.id === m.id && c.lastMessage.rev >= m.rev) return false; // a duplicate of the last message
  if (m.deletedAt) {
    if (known?.deletedAt) return false;
    // exact only when the timeline holds it undeleted and no view newer than this change was taken
    return !(known && m.rev > c.lastSeq);
  }
  // an edit changes no unread count, but may add or drop a mention of me: without the old version
  // held, only the server can say (nothing to ask when it names nobody and no mention was unread)
  if (m.rev !== m.seq) return !known && (mentionsMe(m, state.meId) || c.unreadMentions > 0);
  if (ready) return false; // a loaded timeline counts news exactly
  // without the timeline, news is told by the last message: one at or before it may be a missed one
  return !!c.lastMessage && m.seq <= c.lastMessage.seq;
}

/** Whether one's own read position `seq` (from this or another tab) leaves a count the reducer cannot work out. */
export function readUnsure(state: ChatState, read: { conversationId: string; userId: string; seq: number }): boolean {
  const c = state.conversations[read.conversationId];
  if (!c || read.userId !== state.meId || read.seq < c.lastReadSeq || read.seq >= c.lastSeq) return false;
  const timeline = state.timelines[read.conversationId];
  // the loaded page holds every message after the read position: counted exactly
  if (timeline?.status === "ready" && (!timeline.hasOlder || (timeline.items.length > 0 && read.seq >= timeline.items[0].seq))) return false;
  return true;
}

/**
 * A fetched view older than what the client already applied (a change or a read it reflects came
 * after the view was taken): its count would undo those. Positions only grow, so comparing them says which is newer.
 */
export function isStaleView(held: ConversationView, view: ConversationView): boolean {
  return view.lastSeq < held.lastSeq || view.lastReadSeq < held.lastReadSeq;
}

/** Marks (or unmarks) conversations for a recount; the same state when nothing changes. */
export function markRecount(state: ChatState, ids: Iterable<string>, marked = true): ChatState {
  let recount = state.recount;
  for (const id of ids) {
    if (Boolean(recount[id]) === marked) continue;
    if (recount === state.recount) recount = { ...recount };
    if (marked) recount[id] = true;
    else delete recount[id];
  }
  return recount === state.recount ? state : { ...state, recount };
}

/**
 * A conversation's view fetched for a recount: taken (count, read position, members, title) unless
 * stale, in which case the conversation stays marked (and is asked for again). A newer last
 * message held keeps its place, as with any view.
 */
export function applyRefreshed(state: ChatState, view: ConversationView): ChatState {
  const held = state.conversations[view.id];
  if (!held) return state;
  // still marked, under a new identity: the client asks again (./recounts.ts)
  if (isStaleView(held, view)) return state.recount[view.id] ? { ...state, recount: { ...state.recount } } : state;
  const lastMessage = held.lastMessage && (!view.lastMessage || held.lastMessage.seq > view.lastMessage.seq) ? held.lastMessage : view.lastMessage;
  return markRecount({ ...state, conversations: { ...state.conversations, [view.id]: { ...view, lastMessage } } }, [view.id], false);
}
