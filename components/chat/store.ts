/** The chat state and its reducer: pure, so every realtime event is applied the same way everywhere. */
import type { PublicUser } from "@/lib/people/types";
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { hasGap, holdPosition, NO_CURSOR, raiseTo, type Cursor } from "./cursor";
import { applyPeople, applyUserUpdate, forgetDeparted } from "./people";
import { applyRefreshed, countUnsure, isStaleView, markRecount, readUnsure } from "./unread";

export interface OutgoingMessage {
  clientId: string;
  conversationId: string;
  body: string;
  createdAt: string;
  status: "pending" | "failed";
  error?: string;
}

export interface Thread {
  status: "loading" | "ready" | "error";
  /** ascending by seq, one entry per id */
  items: MessageView[];
  hasOlder: boolean;
  loadingOlder: boolean;
  /** what `sync` starts from: see cursor.ts (only meaningful while ready) */
  cursor: Cursor;
  /**
   * Changes to messages older than the loaded page, kept until their page is merged: that page may
   * have been fetched before the change, and the cursor has already passed it.
   */
  outside?: MessageView[];
}

export interface ChatState {
  meId: string;
  listStatus: "loading" | "ready" | "error";
  conversations: Record<string, ConversationView>;
  threads: Record<string, Thread>;
  outbox: OutgoingMessage[];
  /** conversationId → userId → time the typing signal expires */
  typing: Record<string, Record<string, number>>;
  /** "refused": the server refused this page's origin (connect_error "forbidden"); not retried */
  connection: "connecting" | "connected" | "reconnecting" | "refused";
  /** public profiles of people met outside the member lists (senders who left; oneself), by id; null: no such account */
  people: Record<string, PublicUser | null>;
  /** conversations whose unread count could not be worked out locally: the provider asks the server (./unread.ts) */
  recount: Record<string, true>;
  /**
   * Per conversation, the position up to which its unread count came from a server view (the list,
   * an announcement, a recount): a message at or below it is already counted, however it arrives
   * (a `sync` after a reconnect brings messages the fresh list counted).
   */
  countedTo: Record<string, number>;
}

export type ChatAction =
  | { type: "list:loading" }
  | { type: "list:error" }
  | { type: "list:loaded"; conversations: ConversationView[] }
  | { type: "conversation:upsert"; conversation: ConversationView }
  | { type: "conversation:remove"; conversationId: string }
  | { type: "thread:loading"; conversationId: string }
  | { type: "thread:error"; conversationId: string }
  | { type: "thread:loaded"; conversationId: string; messages: MessageView[]; hasMore: boolean }
  | { type: "thread:older-loading"; conversationId: string; loading: boolean }
  | { type: "thread:older"; conversationId: string; messages: MessageView[]; hasMore: boolean }
  /** live events and acknowledgements: each is one position, held in whatever order it comes */
  | { type: "messages"; messages: MessageView[] }
  /**
   * One `sync` answer. `ends`: each named conversation's `lastSeq` as this client knew it when the
   * request left; a complete answer (`hasMore` false) proves everything up to there is held.
   */
  | { type: "sync"; messages: MessageView[]; hasMore: boolean; ends: Record<string, number> }
  | { type: "outbox:add"; message: OutgoingMessage }
  | { type: "outbox:status"; clientId: string; status: OutgoingMessage["status"]; error?: string }
  | { type: "outbox:remove"; clientId: string }
  /**
   * A read position: the server's `read` event, or (`local`) this page reading what it shows — which
   * moves one's own count but not one's member entry, the server's position `markRead` compares with.
   */
  | { type: "read"; conversationId: string; userId: string; seq: number; local?: boolean }
  | { type: "typing"; conversationId: string; userId: string; typing: boolean; until?: number }
  | { type: "typing:expire"; now: number }
  | { type: "presence"; userId: string; online: boolean }
  | { type: "connection"; connection: ChatState["connection"] }
  | { type: "conversation:refreshed"; conversation: ConversationView }
  | { type: "recount:abandon"; conversationId: string }
  | { type: "user:updated"; user: PublicUser }
  | { type: "people:loaded"; users: PublicUser[]; asked: string[] };

export function initialChatState(meId: string): ChatState {
  return { meId, listStatus: "loading", conversations: {}, threads: {}, outbox: [], typing: {}, connection: "connecting", people: {}, recount: {}, countedTo: {} };
}

/** Inserts or replaces messages by id, keeping seq order; an older revision never replaces a newer one. */
export function mergeMessages(items: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) return items;
  const byId = new Map(items.map((m) => [m.id, m]));
  let changed = false;
  for (const m of incoming) {
    const old = byId.get(m.id);
    if (old && old.rev >= m.rev) continue;
    byId.set(m.id, m);
    changed = true;
  }
  if (!changed) return items;
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Last activity: the last message's time, else when the conversation was created. */
export function lastActivity(c: ConversationView): string {
  return c.lastMessage?.createdAt ?? c.createdAt;
}

export function sortedConversations(state: ChatState): ConversationView[] {
  return Object.values(state.conversations).sort((a, b) => lastActivity(b).localeCompare(lastActivity(a)) || b.lastSeq - a.lastSeq);
}

/**
 * Per loaded thread, the position up to which this client holds everything (its cursor, never the
 * highest rev held: an own acknowledgement or a message seen out of order can be above a missed
 * one), for `sync` after a (re)connect. Conversations known only from the list have none: the list
 * itself is fetched again on connect, and their thread is loaded fresh when opened.
 */
export function syncPositions(state: ChatState): Record<string, number> {
  const since: Record<string, number> = {};
  for (const c of Object.values(state.conversations)) {
    const thread = state.threads[c.id];
    if (thread?.status === "ready") since[c.id] = thread.cursor.synced;
  }
  return since;
}

/** The cursors of the loaded threads that may be missing something (cursor.ts `hasGap`): what a catch-up `sync` asks for. */
export function gapPositions(state: ChatState): Record<string, number> {
  const since: Record<string, number> = {};
  for (const c of Object.values(state.conversations)) {
    const thread = state.threads[c.id];
    if (thread?.status === "ready" && hasGap(thread.cursor, c.lastSeq)) since[c.id] = thread.cursor.synced;
  }
  return since;
}

function maxRev(messages: MessageView[]): number {
  return messages.reduce((max, m) => Math.max(max, m.rev), 0);
}

const emptyThread = (status: "loading" | "error"): Thread => ({ status, items: [], hasOlder: false, loadingOlder: false, cursor: NO_CURSOR });

function applyToConversation(c: ConversationView, m: MessageView, meId: string, isNew: boolean, known: MessageView | undefined): ConversationView {
  const next = { ...c, lastSeq: Math.max(c.lastSeq, m.rev, m.seq) };
  if (!c.lastMessage || m.seq > c.lastMessage.seq || (m.id === c.lastMessage.id && m.rev >= c.lastMessage.rev)) next.lastMessage = m;
  const unreadByOther = m.senderId !== meId && m.seq > c.lastReadSeq;
  if (isNew && unreadByOther && !m.deletedAt) next.unreadCount = c.unreadCount + 1;
  // an unread message deleted before it was read no longer counts
  // (unless a view taken after this change already left it out: ./unread.ts)
  if (known && !known.deletedAt && m.deletedAt && unreadByOther && m.rev > c.lastSeq) next.unreadCount = Math.max(0, c.unreadCount - 1);
  if (m.senderId === meId && m.seq > c.lastReadSeq) {
    // one's own message means everything before it was seen
    next.lastReadSeq = m.seq;
    next.unreadCount = 0;
  }
  return next;
}

function applyMessages(state: ChatState, messages: MessageView[]): ChatState {
  let conversations = state.conversations;
  let threads = state.threads;
  for (const m of messages) {
    const conv = conversations[m.conversationId];
    const thread = threads[m.conversationId];
    const known = thread?.items.find((x) => x.id === m.id);
    if (thread?.status === "ready") {
      // the position is held even when the message is a repeat or lies outside the loaded page
      const cursor = holdPosition(threads[m.conversationId].cursor, m.rev);
      if (cursor !== threads[m.conversationId].cursor) threads = { ...threads, [m.conversationId]: { ...threads[m.conversationId], cursor } };
    }
    if (known && known.rev >= m.rev) continue;
    // is it news? with the thread loaded: one not in it; otherwise one newer than the list's last message
    const threadReady = thread?.status === "ready";
    const isNew = !known && m.rev === m.seq && m.seq > (state.countedTo[m.conversationId] ?? 0) && (threadReady || !conv?.lastMessage || m.seq > conv.lastMessage.seq);
    if (conv) conversations = { ...conversations, [conv.id]: applyToConversation(conv, m, state.meId, isNew, known) };
    if (thread?.status === "ready") {
      const oldest = thread.items[0]?.seq;
      // a change to a message older than the loaded page stays out of it until its page comes
      const held = threads[m.conversationId];
      if (known || !thread.hasOlder || oldest === undefined || m.seq > oldest) {
        threads = { ...threads, [m.conversationId]: { ...held, items: mergeMessages(held.items, [m]) } };
      } else {
        threads = { ...threads, [m.conversationId]: { ...held, outside: mergeMessages(held.outside ?? [], [m]) } };
      }
    }
  }
  const clientIds = new Set(messages.filter((m) => m.senderId === state.meId).map((m) => m.clientId));
  const outbox = clientIds.size ? state.outbox.filter((o) => !clientIds.has(o.clientId)) : state.outbox;
  if (conversations === state.conversations && threads === state.threads && outbox === state.outbox) return state;
  return { ...state, conversations, threads, outbox };
}

/**
 * A conversation's view from the server (the list, `conversation:new` / `:updated`) over the one held.
 * A view taken before changes this client has already applied (a live message or a read that
 * overtook the fetch: `isStaleView`) brings its title, members and role, but the positions, the
 * unread count and the last message stay the held ones — else the stale count undid live news (a
 * badge that never showed "2"). Otherwise the view wins, except for a newer last message held.
 * Members (with their read positions) are always the view's: `markRead` compares one's own stored
 * position with the server's, so a locally raised one must not survive a fetched view.
 */
export function mergeView(held: ConversationView | undefined, view: ConversationView): ConversationView {
  if (!held) return view;
  if (isStaleView(held, view)) {
    return { ...view, lastSeq: held.lastSeq, lastReadSeq: held.lastReadSeq, unreadCount: held.unreadCount, lastMessage: held.lastMessage };
  }
  if (held.lastMessage && (!view.lastMessage || held.lastMessage.seq > view.lastMessage.seq)) return { ...view, lastMessage: held.lastMessage, lastSeq: Math.max(view.lastSeq, held.lastSeq) };
  return view;
}

/** `countedTo` after taking `view` over `held`: raised to the view's end unless the view is stale (mergeView). */
function noteCounted(countedTo: ChatState["countedTo"], held: ConversationView | undefined, view: ConversationView): ChatState["countedTo"] {
  if (held && isStaleView(held, view)) return countedTo;
  if ((countedTo[view.id] ?? 0) >= view.lastSeq) return countedTo;
  return { ...countedTo, [view.id]: view.lastSeq };
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "list:loading":
      return state.listStatus === "ready" ? state : { ...state, listStatus: "loading" };
    case "list:error":
      return state.listStatus === "ready" ? state : { ...state, listStatus: "error" };
    case "list:loaded": {
      const conversations: Record<string, ConversationView> = {};
      let countedTo = state.countedTo;
      let people = state.people;
      for (const c of action.conversations) {
        conversations[c.id] = mergeView(state.conversations[c.id], c);
        countedTo = noteCounted(countedTo, state.conversations[c.id], c);
        people = forgetDeparted(people, state.conversations[c.id], c);
      }
      const threads = Object.fromEntries(Object.entries(state.threads).filter(([id]) => conversations[id]));
      return { ...state, listStatus: "ready", conversations, threads, countedTo, people };
    }
    case "conversation:upsert": {
      const c = mergeView(state.conversations[action.conversation.id], action.conversation);
      const countedTo = noteCounted(state.countedTo, state.conversations[c.id], action.conversation);
      const people = forgetDeparted(state.people, state.conversations[c.id], action.conversation);
      return { ...state, conversations: { ...state.conversations, [c.id]: c }, countedTo, people };
    }
    case "conversation:remove": {
      if (!state.conversations[action.conversationId]) return state;
      const { [action.conversationId]: _gone, ...conversations } = state.conversations;
      const { [action.conversationId]: _thread, ...threads } = state.threads;
      return { ...state, conversations, threads, outbox: state.outbox.filter((o) => o.conversationId !== action.conversationId) };
    }
    case "thread:loading":
      return { ...state, threads: { ...state.threads, [action.conversationId]: emptyThread("loading") } };
    case "thread:error":
      return { ...state, threads: { ...state.threads, [action.conversationId]: emptyThread("error") } };
    case "thread:loaded": {
      const held = state.threads[action.conversationId];
      const ready = held?.status === "ready";
      const items = mergeMessages(ready ? held.items : [], action.messages);
      // the page is the conversation as it was when fetched: everything up to its highest rev is held
      const cursor = raiseTo(ready ? held.cursor : NO_CURSOR, maxRev(action.messages));
      const next = { ...state, threads: { ...state.threads, [action.conversationId]: { status: "ready" as const, items, hasOlder: action.hasMore, loadingOlder: false, cursor } } };
      return applyMessages(next, action.messages);
    }
    case "thread:older-loading": {
      const thread = state.threads[action.conversationId];
      if (!thread) return state;
      return { ...state, threads: { ...state.threads, [action.conversationId]: { ...thread, loadingOlder: action.loading } } };
    }
    case "thread:older": {
      const thread = state.threads[action.conversationId];
      if (!thread) return state;
      const paged = mergeMessages(thread.items, action.messages);
      // changes that came while (or before) this page was on its way win over its older copies
      const oldest = paged[0]?.seq ?? Infinity;
      const outside = thread.outside ?? [];
      const items = mergeMessages(paged, outside.filter((m) => !action.hasMore || m.seq >= oldest));
      const rest = outside.filter((m) => action.hasMore && m.seq < oldest);
      return { ...state, threads: { ...state.threads, [action.conversationId]: { ...thread, items, hasOlder: action.hasMore, loadingOlder: false, outside: rest } } };
    }
    case "messages":
      return applyIncoming(state, action.messages);
    case "sync":
      return applySync(applyIncoming(state, action.messages), action);
    case "outbox:add":
      return { ...state, outbox: [...state.outbox, action.message] };
    case "outbox:status":
      return {
        ...state,
        outbox: state.outbox.map((o) => (o.clientId === action.clientId ? { ...o, status: action.status, error: action.error } : o)),
      };
    case "outbox:remove":
      return { ...state, outbox: state.outbox.filter((o) => o.clientId !== action.clientId) };
    case "read": {
      const c = state.conversations[action.conversationId];
      if (!c) return state;
      if (readUnsure(state, action)) state = markRecount(state, [c.id]);
      const members = action.local ? c.members : c.members.map((m) => (m.id === action.userId && action.seq > m.lastReadSeq ? { ...m, lastReadSeq: action.seq } : m));
      const mine = action.userId === state.meId && action.seq >= c.lastReadSeq;
      return {
        ...state,
        conversations: {
          ...state.conversations,
          [c.id]: { ...c, members, ...(mine ? { lastReadSeq: action.seq, unreadCount: action.seq >= c.lastSeq ? 0 : countUnread(state, c.id, action.seq) } : {}) },
        },
      };
    }
    case "typing": {
      if (action.userId === state.meId) return state;
      const current = { ...(state.typing[action.conversationId] ?? {}) };
      if (action.typing) current[action.userId] = action.until ?? Date.now() + 5000;
      else delete current[action.userId];
      return { ...state, typing: { ...state.typing, [action.conversationId]: current } };
    }
    case "typing:expire": {
      let changed = false;
      const typing: ChatState["typing"] = {};
      for (const [cid, users] of Object.entries(state.typing)) {
        typing[cid] = {};
        for (const [uid, until] of Object.entries(users)) {
          if (until > action.now) typing[cid][uid] = until;
          else changed = true;
        }
      }
      return changed ? { ...state, typing } : state;
    }
    case "presence": {
      let changed = false;
      const conversations: Record<string, ConversationView> = {};
      for (const c of Object.values(state.conversations)) {
        if (c.members.some((m) => m.id === action.userId && m.online !== action.online)) {
          changed = true;
          conversations[c.id] = { ...c, members: c.members.map((m) => (m.id === action.userId ? { ...m, online: action.online } : m)) };
        } else conversations[c.id] = c;
      }
      return changed ? { ...state, conversations } : state;
    }
    case "connection":
      return state.connection === action.connection ? state : { ...state, connection: action.connection };
    case "conversation:refreshed": {
      const held = state.conversations[action.conversation.id];
      const next = applyRefreshed(state, action.conversation);
      return held ? { ...next, countedTo: noteCounted(next.countedTo, held, action.conversation) } : next;
    }
    case "recount:abandon":
      return markRecount(state, [action.conversationId], false);
    case "user:updated":
      return applyUserUpdate(state, action.user);
    case "people:loaded":
      return applyPeople(state, action.users, action.asked);
  }
}

/** Applies live or synced messages one at a time, so each is judged against the state it lands on (./unread.ts). */
function applyIncoming(state: ChatState, messages: MessageView[]): ChatState {
  let next = state;
  for (const m of messages) next = markRecount(applyMessages(next, [m]), countUnsure(next, m) ? [m.conversationId] : []);
  return next;
}

/** Unread messages after `seq` among those held (used when a read position lands mid-thread). */
function countUnread(state: ChatState, conversationId: string, seq: number): number {
  const thread = state.threads[conversationId];
  if (!thread) return 0;
  return thread.items.filter((m) => m.seq > seq && m.senderId !== state.meId && !m.deletedAt).length;
}

/**
 * What a `sync` answer proves: it holds every change after the positions asked from (by
 * conversation, then rev), so each conversation in it is held up to its highest rev in the answer
 * (positions in between that it lacks were superseded by a later change of the same message); when
 * complete, each conversation asked about is also held up to the end this client knew of then.
 */
function applySync(state: ChatState, action: Extract<ChatAction, { type: "sync" }>): ChatState {
  const upTo = new Map<string, number>();
  for (const m of action.messages) upTo.set(m.conversationId, Math.max(upTo.get(m.conversationId) ?? 0, m.rev));
  if (!action.hasMore) for (const [id, end] of Object.entries(action.ends)) upTo.set(id, Math.max(upTo.get(id) ?? 0, end));
  let threads = state.threads;
  for (const [id, rev] of upTo) {
    const thread = threads[id];
    if (thread?.status !== "ready") continue;
    const cursor = raiseTo(thread.cursor, rev);
    if (cursor !== thread.cursor) threads = { ...threads, [id]: { ...thread, cursor } };
  }
  return threads === state.threads ? state : { ...state, threads };
}
