"use client";

import { useEffect } from "react";
import type { MessageView } from "@/lib/messages/types";
import { quoteText } from "../messages/ReplyQuote";
import styles from "./Replies.module.scss";

/**
 * "Replying to Ada: the start of her message", above the composer while a reply is being written,
 * with a cancel button; Escape in the composer cancels too. The name is bidi-isolated.
 */
export function ReplyBar({ message, name, onCancel }: { message: MessageView; name: string; onCancel(): void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || (document.activeElement as HTMLElement | null)?.id !== "composer-input") return;
      e.preventDefault();
      onCancel();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div className={styles.replyBar} data-testid="reply-bar" role="status">
      <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d="M9 17 4 12l5-5M4 12h11a5 5 0 0 1 5 5v2" />
      </svg>
      <span className={styles.replyText}>
        Replying to <bdi className={styles.replyName}>{name}</bdi>: <bdi>{quoteText(message.body, message.attachments.map((a) => a.name))}</bdi>
      </span>
      <button type="button" className={styles.replyCancel} onClick={onCancel} aria-label="Cancel reply" title="Cancel reply (Escape)">
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
          <path d="M18 6 6 18M6 6l12 12" />
        </svg>
      </button>
    </div>
  );
}
