/** The chat reducer: pure, so every realtime event is applied the same way everywhere. */
import type { ConversationView } from "@/lib/conversations/types";
import { NO_CURSOR, raiseTo } from "./cursor";
import { keepDeparture } from "./departures";
import { applyDrafts, keepDrafts } from "./draft-state";
import { conversationNews, markConversation, markPerson, personNews, withLiveNews } from "./live-marks";
import { applyPeople, applyUserUpdate, forgetDeparted } from "./people";
import type { ChatAction, ChatState } from "./state";
import { applyIncoming, applyMessages, applySync, countUnread, emptyTimeline, maxRev, mergeMessages } from "./timeline";
import { applyRefreshed, markRecount, readUnsure } from "./unread";
import { countUnreadMentions } from "./mentions";
import { mergeView, noteCounted } from "./views";
import { windowReducer } from "./window-reducer";

/** The next state after `action`; the same object when nothing changes. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "list:loading":
      return state.listStatus === "ready" ? state : { ...state, listStatus: "loading" };
    case "list:error":
      return state.listStatus === "ready" ? state : { ...state, listStatus: "error" };
    case "list:loaded": {
      // a list that left before live news gives way to it (./live-marks.ts)
      const { since } = action;
      const conversations: Record<string, ConversationView> = {};
      let countedTo = state.countedTo;
      let people = state.people;
      for (const fetched of action.conversations) {
        if (conversationNews(state.marks, fetched.id, since) === "removed") continue;
        const held = state.conversations[fetched.id];
        const c = withLiveNews(fetched, held, state.marks, since, state.meId);
        conversations[c.id] = mergeView(held, c);
        countedTo = noteCounted(countedTo, held, c);
        people = forgetDeparted(people, held, c);
      }
      // joined live after the list left: the list could not have it
      for (const held of Object.values(state.conversations)) {
        if (!conversations[held.id] && conversationNews(state.marks, held.id, since) === "changed") conversations[held.id] = held;
      }
      const timelines = Object.fromEntries(Object.entries(state.timelines).filter(([id]) => conversations[id]));
      return { ...state, listStatus: "ready", conversations, timelines, countedTo, people, drafts: keepDrafts(state.drafts, conversations) };
    }
    case "conversation:upsert": {
      const live = action.since === undefined;
      if (!live && conversationNews(state.marks, action.conversation.id, action.since!) === "removed") return state;
      const held = state.conversations[action.conversation.id];
      const view = live ? action.conversation : withLiveNews(action.conversation, held, state.marks, action.since!, state.meId);
      const c = mergeView(held, view);
      const countedTo = noteCounted(state.countedTo, held, view);
      const people = forgetDeparted(state.people, held, view);
      const marks = live ? markConversation(state.marks, c.id, false) : state.marks;
      return { ...state, conversations: { ...state.conversations, [c.id]: c }, countedTo, people, marks };
    }
    case "conversation:remove": {
      if (action.removedBy) state = keepDeparture(state, action.conversationId, action.removedBy);
      const marks = markConversation(state.marks, action.conversationId, true);
      if (!state.conversations[action.conversationId]) return { ...state, marks };
      const { [action.conversationId]: _gone, ...conversations } = state.conversations;
      const { [action.conversationId]: _timeline, ...timelines } = state.timelines;
      const outbox = state.outbox.filter((o) => o.conversationId !== action.conversationId);
      return { ...state, conversations, timelines, outbox, drafts: keepDrafts(state.drafts, conversations), marks };
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
          [c.id]: {
            ...c,
            members,
            ...(mine
              ? {
                  lastReadSeq: action.seq,
                  unreadCount: action.seq >= c.lastSeq ? 0 : countUnread(state, c.id, action.seq),
                  unreadMentions: action.seq >= c.lastSeq ? 0 : countUnreadMentions(state, c.id, action.seq),
                }
              : {}),
          },
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
      const marks = markPerson(state.marks, action.userId, { online: action.online });
      return changed ? { ...state, conversations, marks } : { ...state, marks };
    }
    case "connection":
      return state.connection === action.connection ? state : { ...state, connection: action.connection };
    case "conversation:refreshed": {
      const held = state.conversations[action.conversation.id];
      if (!held) return state;
      const view = withLiveNews(action.conversation, held, state.marks, action.since, state.meId);
      const next = applyRefreshed(state, view);
      return { ...next, countedTo: noteCounted(next.countedTo, held, view) };
    }
    case "recount:abandon":
      return markRecount(state, [action.conversationId], false);
    case "user:updated":
      return { ...applyUserUpdate(state, action.user), marks: markPerson(state.marks, action.user.id, { user: action.user }) };
    case "people:loaded":
      // a profile that came live after the lookup left is newer than the lookup's answer
      return applyPeople(state, action.users.map((u) => personNews(state.marks, u.id, action.since) ?? u), action.asked);
    case "drafts":
      return applyDrafts(state, action.drafts);
    case "window:loaded":
    case "window:loading":
    case "window:page":
    case "window:close":
    case "pins:loaded":
      return windowReducer(state, action);
  }
}
