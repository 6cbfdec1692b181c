"use client";
/**
 * What a message's own controls need from the screen around it, without threading props through
 * MessageList and the memoised MessageItem: names for quotes, the messages held (to tell a
 * deleted original), and the reply, pin and jump actions. ConversationScreen provides it.
 */
import { createContext, useContext } from "react";
import type { MessageView, ReplyPreview } from "@/lib/messages/types";

export interface MessageContextValue {
  /** the display name for a sender id (null: a deleted account) */
  nameOf(senderId: string | null): string;
  /** the message with this id as this page holds it (timeline or window), if held */
  held(messageId: string): MessageView | undefined;
  /** shows the original a reply quotes: scrolls to it, loading the page around it when needed */
  jumpToOriginal(replyTo: ReplyPreview): void;
  /** starts a reply to `message` in the composer */
  reply(message: MessageView): void;
  /** pins or unpins; resolves to an error to show, or null */
  pin(message: MessageView, pinned: boolean): Promise<string | null>;
}

export const MessageContext = createContext<MessageContextValue | null>(null);

/** The surrounding screen's message context; null outside a conversation (nothing to reply to). */
export function useMessageContext(): MessageContextValue | null {
  return useContext(MessageContext);
}
