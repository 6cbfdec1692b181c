/** The chat reducer: pure, so every realtime event is applied the same way everywhere. */
import type { ConversationView } from "@/lib/conversations/types";
import { NO_CURSOR, raiseTo } from "./cursor";
import { applyDrafts, keepDrafts } from "./draft-state";
import { applyPeople, applyUserUpdate, forgetDeparted } from "./people";
import type { ChatAction, ChatState } from "./state";
import { applyIncoming, applyMessages, applySync, countUnread, emptyTimeline, maxRev, mergeMessages } from "./timeline";
import { applyRefreshed, markRecount, readUnsure } from "./unread";
import { mergeView, noteCounted } from "./views";

/** The next state after `action`; the same object when nothing changes. */
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
      const timelines = Object.fromEntries(Object.entries(state.timelines).filter(([id]) => conversations[id]));
      return { ...state, listStatus: "ready", conversations, timelines, countedTo, people, drafts: keepDrafts(state.drafts, conversations) };
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
      const { [action.conversationId]: _timeline, ...timelines } = state.timelines;
      const outbox = state.outbox.filter((o) => o.conversationId !== action.conversationId);
      return { ...state, conversations, timelines, outbox, drafts: keepDrafts(state.drafts, conversations) };
    }
    case "timeline:loading":
      return { ...state, timelines: { ...state.timelines, [action.conversationId]: emptyTimeline("loading") } };
    case "timeline:error":
      return { ...state, timelines: { ...state.timelines, [action.conversationId]: emptyTimeline("error") } };
    case "timeline:loaded": {
      const held = state.timelines[action.conversationId];
      const ready = held?.status === "ready";
      const items = mergeMessages(ready ? held.items : [], action.messages);
      // the page is the conversation as it was when fetched: everything up to its highest rev is held
      const cursor = raiseTo(ready ? held.cursor : NO_CURSOR, maxRev(action.messages));
      const next = { ...state, timelines: { ...state.timelines, [action.conversationId]: { status: "ready" as const, items, hasOlder: action.hasMore, loadingOlder: false, cursor } } };
      return applyMessages(next, action.messages);
    }
    case "timeline:older-loading": {
      const timeline = state.timelines[action.conversationId];
      if (!timeline) return state;
      return { ...state, timelines: { ...state.timelines, [action.conversationId]: { ...timeline, loadingOlder: action.loading } } };
    }
    case "timeline:older": {
      const timeline = state.timelines[action.conversationId];
      if (!timeline) return state;
      const paged = mergeMessages(timeline.items, action.messages);
      // changes that came while (or before) this page was on its way win over its older copies
      const oldest = paged[0]?.seq ?? Infinity;
      const outside = timeline.outside ?? [];
      const items = mergeMessages(paged, outside.filter((m) => !action.hasMore || m.seq >= oldest));
      const rest = outside.filter((m) => action.hasMore && m.seq < oldest);
      return { ...state, timelines: { ...state.timelines, [action.conversationId]: { ...timeline, items, hasOlder: action.hasMore, loadingOlder: false, outside: rest } } };
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
    case "drafts":
      return applyDrafts(state, action.drafts);
  }
}
