/** What the messages domain tells after commit (see lib/platform/events.ts). */
import type { MessageView } from "./types";

declare module "../platform/events" {
  interface DomainEvents {
    /** a message was stored; published in seq order per conversation */
    "message.created": { message: MessageView };
    /** a message was edited or deleted: its new rev */
    "message.updated": { message: MessageView };
    /** a member's read position moved forward (only moves are told) */
    "message.read": { conversationId: string; userId: string; seq: number };
  }
}

export {};
