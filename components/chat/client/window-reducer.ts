/** The reducer's cases for the window of older history (./window.ts) and the pinned count. Pure. */
import type { ChatAction, ChatState } from "./state";
import { openWindow, windowNewer, windowOlder } from "./window";

type WindowAction = Extract<ChatAction, { type: "window:loaded" | "window:loading" | "window:page" | "window:close" | "pins:loaded" }>;

/** The next state after one window action; the same object when nothing changes. */
export function windowReducer(state: ChatState, action: WindowAction): ChatState {
  if (action.type === "pins:loaded") {
    const c = state.conversations[action.conversationId];
    if (!c || c.pinnedCount === action.count) return state;
    return { ...state, conversations: { ...state.conversations, [c.id]: { ...c, pinnedCount: action.count } } };
  }
  const timeline = state.timelines[action.conversationId];
  if (timeline?.status !== "ready") return state;
  let next = timeline;
  switch (action.type) {
    case "window:loaded":
      next = openWindow(timeline, action, action.focusId);
      break;
    case "window:loading":
      if (!timeline.window) return state;
      next = { ...timeline, window: { ...timeline.window, loading: action.direction } };
      break;
    case "window:page":
      next = action.direction === "older" ? windowOlder(timeline, action.messages, action.hasMore) : windowNewer(timeline, action.messages, action.hasMore);
      break;
    case "window:close":
      if (!timeline.window) return state;
      next = { ...timeline, window: undefined };
      break;
  }
  return next === timeline ? state : { ...state, timelines: { ...state.timelines, [action.conversationId]: next } };
}
