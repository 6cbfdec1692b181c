/** Everything the chat UI asks of the client (useChat().actions); stable for the client's life. */
import type { ConversationView, NotificationLevel } from "@/lib/conversations/types";
import type { OpeningView } from "@/lib/conversations/types";
import type { AttachmentView } from "@/lib/messages/types";

export interface ChatActions {
  refreshList(): Promise<unknown>;
  /** Loads a conversation's newest page as its timeline, unless it is held (or loading). */
  loadTimeline(conversationId: string): Promise<void>;
  /** Loads the page before the oldest message held. */
  loadOlder(conversationId: string): Promise<void>;
  /** Adds the conversation (fetched on its own) when the list does not hold it; null when absent. */
  ensureConversation(conversationId: string): Promise<ConversationView | null>;
  /** Takes a conversation and its newest page that came with the page, unless newer ones are held. */
  prime(opening: OpeningView): void;
  /** Queues a message (a reply to `replyTo`, a message id, when given; carrying `attachments`, uploads of one's own) and sends it, dropping the conversation's draft (again with the same clientId until acknowledged: ./outbox.ts). */
  send(conversationId: string, body: string, replyTo?: string | null, attachments?: AttachmentView[]): void;
  retry(clientId: string): void;
  discard(clientId: string): void;
  /** Edits one's message; null when done, else the reason to show. */
  edit(messageId: string, body: string): Promise<string | null>;
  /** Deletes one's message; null when done, else the reason to show. */
  remove(messageId: string): Promise<string | null>;
  /** Adds (`on`) or removes one's reaction `emoji` (an emoji or a `:shortcode:`); null when done, else the reason to show. */
  react(messageId: string, emoji: string, on: boolean): Promise<string | null>;
  /** Marks what the open timeline shows as read (locally at once; the server only when it moves). */
  markRead(conversationId: string): void;
  /** Tells the others one is typing (at most every few seconds) or stopped. */
  typing(conversationId: string, typing: boolean): void;
  startDirect(userId: string): Promise<ConversationView>;
  /** `clientId`: one per dialog, sent again with a retry, so a creation whose answer was lost is not made twice */
  createGroup(title: string, memberIds: string[], clientId: string): Promise<ConversationView>;
  rename(conversationId: string, title: string): Promise<void>;
  addMembers(conversationId: string, userIds: string[]): Promise<void>;
  removeMember(conversationId: string, userId: string): Promise<void>;
  /** Sets one's own notification level there (kept on the server; one's other tabs follow live). */
  setNotifications(conversationId: string, level: NotificationLevel): Promise<void>;
  /** The conversation on screen (null: none); its removal sends the page home. */
  setActive(conversationId: string | null): void;
  /** The conversation's unsent composer text ("" when none), restored from this device on load. */
  getDraft(conversationId: string): string;
  /** Keeps the composer's text ("" drops it); saved to `state.drafts` and the device shortly after (./drafts.ts). */
  setDraft(conversationId: string, text: string): void;
  /**
   * Shows the message at `seq` (id `messageId`, or the first after a read position when null): held
   * already, or in a page loaded `around` it (./window.ts). Resolves true when it is held, false when
   * it could not be loaded.
   */
  jumpTo(conversationId: string, seq: number, messageId: string | null): Promise<boolean>;
  /** The window's page before (older) or after (newer) what it holds. */
  loadWindowPage(conversationId: string, direction: "older" | "newer"): Promise<void>;
  /** Back to the live end: drops the window. */
  closeWindow(conversationId: string): void;
  /** Pins or unpins a message for the conversation; null when done, else the reason to show. */
  pin(messageId: string, pinned: boolean): Promise<string | null>;
  /** The conversation's pinned messages, newest pin first (also sets its pinned count). */
  listPins(conversationId: string): Promise<import("@/lib/messages/types").MessageView[]>;
  /** Looks up the public profiles of these senders (batched, once per id per page) into `state.people`. */
  lookupPeople(userIds: string[]): void;
}
