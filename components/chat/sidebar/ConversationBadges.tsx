import type { ConversationView } from "@/lib/conversations/types";
import { conversationBadge } from "../client/badges";
import styles from "./Notifications.module.scss";

/**
 * A sidebar row's badges (client/badges.ts `conversationBadge`): the unread count, "@" with the
 * unread mentions of me beside it, or for a muted conversation only a dot while a mention is
 * unread, after a crossed-out bell that says it is muted. Each says in words what it counts, for
 * screen readers.
 */
export function ConversationBadges({ c, active }: { c: ConversationView; active: boolean }) {
  const badge = conversationBadge(c, active);
  const muted = c.notifications === "none";
  if (!badge.unread && !badge.mentions && !badge.dot && !muted) return null;
  return (
    <span className={styles.badges}>
      {muted && (
        <svg className={styles.mutedIcon} width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" role="img" aria-label="muted" data-testid="muted-icon">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0M3 3l18 18" />
        </svg>
      )}
      {badge.mentions && (
        <span className={styles.mentions} data-testid="mention-badge">
          @{badge.mentions}
          <span className="visually-hidden"> {badge.mentions === "1" ? "mention" : "mentions"}</span>
        </span>
      )}
      {badge.unread && (
        <span className={styles.unread} data-testid="unread-badge">
          {badge.unread}
          <span className="visually-hidden"> unread</span>
        </span>
      )}
      {badge.dot && (
        <span className={styles.dot} data-testid="mention-dot">
          <span className="visually-hidden">unread mention</span>
        </span>
      )}
    </span>
  );
}
