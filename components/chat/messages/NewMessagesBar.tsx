"use client";

import styles from "./Replies.module.scss";

/**
 * "75 new messages", across the top of a conversation opened on more unread than one page holds
 * (issue 13, item 9): takes the reader to the first unread and marks the conversation read.
 */
export function NewMessagesBar({ count, onClick }: { count: number; onClick(): void }) {
  return (
    <button type="button" className={styles.newBar} onClick={onClick} data-testid="new-messages-bar">
      <span>
        {count.toLocaleString("en")} new message{count === 1 ? "" : "s"}
      </span>
      <span className={styles.newBarAction}>Jump to first unread · Mark as read</span>
    </button>
  );
}
