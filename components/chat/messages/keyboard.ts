/**
 * The message list's keyboard rules (docs/chat-ui.md, "Keyboard"), without React: which message a
 * key moves the focus to, and which message Up in an empty composer edits.
 */
import type { MessageView } from "@/lib/messages/types";

/**
 * The index the focus moves to from message `index` of `count` on `key`: ArrowUp / ArrowDown one
 * message, Home / End the first / last loaded one. It stops at the ends (no wrapping: the list
 * loads older messages as it nears the top). Null for any other key, or when it would not move.
 */
export function rovingTarget(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  const to = key === "ArrowUp" ? index - 1 : key === "ArrowDown" ? index + 1 : key === "Home" ? 0 : key === "End" ? count - 1 : null;
  if (to === null || to < 0 || to >= count || to === index) return null;
  return to;
}

/**
 * The message Up in an empty composer edits: the newest of `meId`'s messages in the loaded
 * timeline that is not deleted (`messages` in seq order, as the timeline holds them). Messages
 * still on their way are not in it (they have no id to edit yet). Null when there is none.
 */
export function lastEditable(messages: readonly MessageView[], meId: string): MessageView | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.senderId === meId && m.deletedAt === null) return m;
  }
  return null;
}
