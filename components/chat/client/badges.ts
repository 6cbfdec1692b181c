/** What a conversation's row shows for its unread messages, by its notification level. Pure. */
import type { ConversationView } from "@/lib/conversations/types";

export interface Badge {
  /** the unread count to show (capped text), or null for none */
  unread: string | null;
  /** the "@" badge's count (capped text), or null for none */
  mentions: string | null;
  /** a muted conversation with unread mentions: a dot in place of any count */
  dot: boolean;
}

const NONE: Badge = { unread: null, mentions: null, dot: false };
const capped = (n: number) => (n > 99 ? "99+" : String(n));

/**
 * The badges of `c`'s sidebar row (none for the open one, `active`). Levels "all" and "mentions":
 * the unread count, and beside it "@" with the unread mentions of me (or everyone). Level "none"
 * (muted): no count at all, only a dot while a mention is unread (DESIGN.md; docs/chat-ui.md).
 */
export function conversationBadge(c: Pick<ConversationView, "unreadCount" | "unreadMentions" | "notifications">, active = false): Badge {
  if (active) return NONE;
  const mentions = c.unreadMentions ?? 0;
  if (c.notifications === "none") return mentions > 0 ? { ...NONE, dot: true } : NONE;
  return { unread: c.unreadCount > 0 ? capped(c.unreadCount) : null, mentions: mentions > 0 ? capped(mentions) : null, dot: false };
}
