"use client";

import type { MessageView } from "@/lib/messages/types";
import { useMessageContext } from "./message-context";
import type { MessageMenuItem } from "./MessageMenu";

const icon = (d: string) => (
  <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <path d={d} />
  </svg>
);
const REPLY = icon("M9 17 4 12l5-5M4 12h11a5 5 0 0 1 5 5v2");
const PIN = icon("M12 17v5M9 3h6l-1 7 4 3v2H6v-2l4-3-1-7z");

/**
 * The actions a sent message offers to everyone (Reply, Pin / Unpin); none for a deleted message or
 * a note about the conversation, nor outside a conversation screen. Add a feature's own actions here.
 */
export function useMessageMenuItems(message: MessageView, onError: (error: string | null) => void): MessageMenuItem[] {
  const context = useMessageContext();
  if (!context || message.deletedAt || message.kind === "system") return [];
  const pinned = message.pinnedAt !== null;
  return [
    { key: "reply", label: "Reply", icon: REPLY, onSelect: () => context.reply(message) },
    { key: pinned ? "unpin" : "pin", label: pinned ? "Unpin" : "Pin", icon: PIN, onSelect: () => void context.pin(message, !pinned).then(onError) },
  ];
}
