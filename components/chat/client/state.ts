/** The chat client's state and the actions that change it (applied by ./reducer.ts). */
import type { PublicUser } from "@/lib/people/types";
import type { ConversationView } from "@/lib/conversations/types";
import type { AttachmentView, MessageView, ReplyPreview } from "@/lib/messages/types";
import type { Cursor } from "./cursor";
import type { Departure } from "./departures";
import { NO_MARKS, type LiveMarks } from "./live-marks";

export interface OutgoingMessage {
  clientId: string;
  conversationId: string;
  body: string;
  /** the message this one replies to (its id), if any */
  replyTo?: string | null;
  /** the quote shown while pending: the original as this page held it when the reply was sent */
  quote?: ReplyPreview;
  /** the mentions shown while pending: what the server is expected to resolve (expectedMentions) */
  mentions?: string[];
  /** one's own uploads it carries (sent as `attachmentIds`), shown while pending */
  attachments?: AttachmentView[];
  createdAt: string;
  status: "pending" | "failed";
  error?: string;
}

export interface Timeline {
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
  /** an older stretch on screen instead of the live end, apart from `items` (./window.ts); absent at the live end */
  window?: TimelineWindow;
}

/** A run of older messages viewed away from the live end (a jump to a reply's original, a pin, the first unread). */
export interface TimelineWindow {
  /** ascending by seq, one entry per id; older than the timeline's own items, with a gap between */
  items: MessageView[];
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
  loading: "older" | "newer" | null;
  /** the message the window was opened for (shown and highlighted), if any */
  focusId: string | null;
}

export interface ChatState {
  meId: string;
  listStatus: "loading" | "ready" | "error";
  conversations: Record<string, ConversationView>;
  timelines: Record<string, Timeline>;
  outbox: OutgoingMessage[];
  /** conversationId → userId → time the typing signal expires */
  typing: Record<string, Record<string, number>>;
  /** "refused": the server refused this page's origin (connect_error "forbidden"); not retried */
  connection: "connecting" | "connected" | "reconnecting" | "refused";
  /** public profiles of people met outside the member lists (senders who left; oneself), by id; null: no such account */
  people: Record<string, PublicUser | null>;
  /** conversations whose unread count could not be worked out locally: the client asks the server (./recounts.ts) */
  recount: Record<string, true>;
  /**
   * Per conversation, the position up to which its unread count came from a server view (the list,
   * an announcement, a recount): a message at or below it is already counted, however it arrives
   * (a `sync` after a reconnect brings messages the fresh list counted).
   */
  countedTo: Record<string, number>;
  /**
   * Unsent composer text per conversation, as last saved (./drafts.ts: a few hundred ms behind the
   * keystrokes, kept on this device); never blank.
   */
  drafts: Record<string, string>;
  /** what live events changed and when, so that an answer fetched before them does not undo them (./live-marks.ts) */
  marks: LiveMarks;
  /** conversations one was removed from while the page was open, kept read-only (./departures.ts) */
  departed: Record<string, Departure>;
}

export type ChatAction =
  | { type: "list:loading" }
  | { type: "list:error" }
  /** `since`: `marks.clock` when the request left (0: older than anything live, as the page's own list) */
  | { type: "list:loaded"; conversations: ConversationView[]; since: number }
  /** live (`conversation:new` / `:updated`) without `since`; a fetched view with it */
  | { type: "conversation:upsert"; conversation: ConversationView; since?: number }
  /** `removedBy`: another member removed one (the page keeps it read-only: ./departures.ts) */
  | { type: "conversation:remove"; conversationId: string; removedBy?: string }
  | { type: "timeline:loading"; conversationId: string }
  | { type: "timeline:error"; conversationId: string }
  | { type: "timeline:loaded"; conversationId: string; messages: MessageView[]; hasMore: boolean }
  | { type: "timeline:older-loading"; conversationId: string; loading: boolean }
  | { type: "timeline:older"; conversationId: string; messages: MessageView[]; hasMore: boolean }
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
  | { type: "conversation:refreshed"; conversation: ConversationView; since: number }
  | { type: "recount:abandon"; conversationId: string }
  | { type: "user:updated"; user: PublicUser }
  | { type: "people:loaded"; users: PublicUser[]; asked: string[]; since: number }
  /** A page `around` a position: opens the window (./window.ts), or joins the loaded run when it reaches it */
  | { type: "window:loaded"; conversationId: string; messages: MessageView[]; hasMoreBefore: boolean; hasMoreAfter: boolean; focusId: string | null }
  | { type: "window:loading"; conversationId: string; direction: "older" | "newer" | null }
  | { type: "window:page"; conversationId: string; direction: "older" | "newer"; messages: MessageView[]; hasMore: boolean }
  /** back to the live end */
  | { type: "window:close"; conversationId: string }
  /** the pinned list was fetched: its length is the count */
  | { type: "pins:loaded"; conversationId: string; count: number }
  /** Saved drafts by conversation; blank text drops one. Ignored for a conversation the loaded list lacks (one left meanwhile). */
  | { type: "drafts"; drafts: Record<string, string> };

/** The state before anything is known: the list loading, the socket connecting. */
export function initialChatState(meId: string): ChatState {
  return { meId, listStatus: "loading", conversations: {}, timelines: {}, outbox: [], typing: {}, connection: "connecting", people: {}, recount: {}, countedTo: {}, drafts: {}, marks: NO_MARKS, departed: {} };
}
