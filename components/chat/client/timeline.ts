/**
 * A conversation's loaded messages (its timeline) and how incoming messages land in it: merged by
 * id and rev, counted as news or not, holding their position on the catch-up cursor. Pure.
 */
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { holdPosition, NO_CURSOR, raiseTo } from "./cursor";
import { mentionsMe } from "./mentions";
import type { ChatAction, ChatState, Timeline } from "./state";
import { countUnsure, markRecount } from "./unread";
import { mergeMessages } from "./merge";
import { applyToWindow } from "./window";
import { pinCount, pinUnsure } from "./pin-count";

// (in ./merge.ts, so that ./window.ts can use it without an import circle)
export { mergeMessages };

/** The highest position (rev) among `messages`; 0 for none. */
export function maxRev(messages: MessageView[]): number {
  return messages.reduce((max, m) => Math.max(max, m.rev), 0);
}

/** A timeline with nothing held yet (its first page is on its way, or failed). */
export const emptyTimeline = (status: "loading" | "error"): Timeline => ({ status, items: [], hasOlder: false, loadingOlder: false, cursor: NO_CURSOR });

function applyToConversation(c: ConversationView, m: MessageView, meId: string, isNew: boolean, known: MessageView | undefined): ConversationView {
  const next = { ...c, lastSeq: Math.max(c.lastSeq, m.rev, m.seq) };
  if (!c.lastMessage || m.seq > c.lastMessage.seq || (m.id === c.lastMessage.id && m.rev >= c.lastMessage.rev)) next.lastMessage = m;
  // a note about the group (kind "system") is unread for nobody (DESIGN.md)
  const unreadByOther = m.senderId !== meId && m.seq > c.lastReadSeq && m.kind !== "system";
  if (isNew && unreadByOther && !m.deletedAt) next.unreadCount = c.unreadCount + 1;
  // an unread message deleted before it was read no longer counts
  // (unless a view taken after this change already left it out: ./unread.ts)
  if (known && !known.deletedAt && m.deletedAt && unreadByOther && m.rev > c.lastSeq) next.unreadCount = Math.max(0, c.unreadCount - 1);
  // mentions of me among the unread: a new one counts; an edit or deletion of one held moves the count
  // (a deleted message mentions nobody), unless a view taken after the change already has it
  if (isNew && unreadByOther && mentionsMe(m, meId)) next.unreadMentions = c.unreadMentions + 1;
  if (known && unreadByOther && m.rev > c.lastSeq) next.unreadMentions = Math.max(0, c.unreadMentions + Number(mentionsMe(m, meId)) - Number(mentionsMe(known, meId)));
  const pinBefore = known ?? (c.lastMessage?.id === m.id ? c.lastMessage : undefined);
  if (pinBefore && m.rev > c.lastSeq) next.pinnedCount = pinCount(c.pinnedCount, pinBefore, m);
  if (m.senderId === meId && m.seq > c.lastReadSeq) {
    // one's own message means everything before it was seen
    next.lastReadSeq = m.seq;
    next.unreadCount = 0;
    next.unreadMentions = 0;
  }
  return next;
}

/** Messages into their conversations (last message, unread count) and loaded timelines (items, cursor); acknowledged sends leave the outbox. */
export function applyMessages(state: ChatState, messages: MessageView[]): ChatState {
  let conversations = state.conversations;
  let timelines = state.timelines;
  for (const m of messages) {
    const conv = conversations[m.conversationId];
    const timeline = timelines[m.conversationId];
    const inRun = timeline?.items.find((x) => x.id === m.id);
    const known = inRun ?? timeline?.window?.items.find((x) => x.id === m.id);
    if (timeline?.status === "ready") {
      // the position is held even when the message is a repeat or lies outside the loaded page
      const cursor = holdPosition(timelines[m.conversationId].cursor, m.rev);
      if (cursor !== timelines[m.conversationId].cursor) timelines = { ...timelines, [m.conversationId]: { ...timelines[m.conversationId], cursor } };
    }
    if (known && known.rev >= m.rev) continue;
    // is it news? with the timeline loaded: one not in it; otherwise one newer than the list's last message
    const timelineReady = timeline?.status === "ready";
    const isNew = !known && m.rev === m.seq && m.seq > (state.countedTo[m.conversationId] ?? 0) && (timelineReady || !conv?.lastMessage || m.seq > conv.lastMessage.seq);
    if (conv) conversations = { ...conversations, [conv.id]: applyToConversation(conv, m, state.meId, isNew, known) };
    if (timeline?.status === "ready") {
      const oldest = timeline.items[0]?.seq;
      // a change to a message older than the loaded page stays out of it until its page comes
      const held = timelines[m.conversationId];
      if (inRun || !timeline.hasOlder || oldest === undefined || m.seq > oldest) {
        timelines = { ...timelines, [m.conversationId]: { ...held, items: mergeMessages(held.items, [m]) } };
      } else {
        timelines = { ...timelines, [m.conversationId]: { ...held, outside: mergeMessages(held.outside ?? [], [m]) } };
      }
      timelines = { ...timelines, [m.conversationId]: applyToWindow(timelines[m.conversationId], m) };
    }
  }
  const clientIds = new Set(messages.filter((m) => m.senderId === state.meId).map((m) => m.clientId));
  const outbox = clientIds.size ? state.outbox.filter((o) => !clientIds.has(o.clientId)) : state.outbox;
  if (conversations === state.conversations && timelines === state.timelines && outbox === state.outbox) return state;
  return { ...state, conversations, timelines, outbox };
}

/** Applies live or synced messages one at a time, so each is judged against the state it lands on (./unread.ts). */
export function applyIncoming(state: ChatState, messages: MessageView[]): ChatState {
  let next = state;
  for (const m of messages) next = markRecount(applyMessages(next, [m]), countUnsure(next, m) || pinUnsure(next, m) ? [m.conversationId] : []);
  return next;
}

/** Unread messages after `seq` among those held (used when a read position lands mid-timeline). */
export function countUnread(state: ChatState, conversationId: string, seq: number): number {
  const timeline = state.timelines[conversationId];
  if (!timeline) return 0;
  return timeline.items.filter((m) => m.seq > seq && m.senderId !== state.meId && !m.deletedAt && m.kind !== "system").length;
}

/**
 * What a `sync` answer proves: it holds every change after the positions asked from (by
 * conversation, then rev), so each conversation in it is held up to its highest rev in the answer
 * (positions in between that it lacks were superseded by a later change of the same message); when
 * complete, each conversation asked about is also held up to the end this client knew of then.
 */
export function applySync(state: ChatState, action: Extract<ChatAction, { type: "sync" }>): ChatState {
  const upTo = new Map<string, number>();
  for (const m of action.messages) upTo.set(m.conversationId, Math.max(upTo.get(m.conversationId) ?? 0, m.rev));
  if (!action.hasMore) for (const [id, end] of Object.entries(action.ends)) upTo.set(id, Math.max(upTo.get(id) ?? 0, end));
  let timelines = state.timelines;
  for (const [id, rev] of upTo) {
    const timeline = timelines[id];
    if (timeline?.status !== "ready") continue;
    const cursor = raiseTo(timeline.cursor, rev);
    if (cursor !== timeline.cursor) timelines = { ...timelines, [id]: { ...timeline, cursor } };
  }
  return timelines === state.timelines ? state : { ...state, timelines };
}
