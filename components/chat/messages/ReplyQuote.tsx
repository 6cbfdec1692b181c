"use client";

import type { ReplyPreview } from "@/lib/messages/types";
import { filesLabel } from "@/lib/attachments/rules";
import { useMessageContext } from "./message-context";
import styles from "./Replies.module.scss";
import { useInnerTabIndex } from "./tab-stops";

/**
 * The one-line quote above a reply: the original's sender (bidi-isolated) and the start of its text
 * (of files alone: their name, or "3 files"), or "Original message deleted" — also when the server's preview predates a deletion this page has
 * seen. A button: it jumps to the original (loading the history around it when not loaded).
 */
export function ReplyQuote({ replyTo }: { replyTo: ReplyPreview }) {
  const context = useMessageContext();
  const tabIndex = useInnerTabIndex();
  const held = context?.held(replyTo.id);
  const deleted = replyTo.deleted || !!held?.deletedAt;
  const body = held && !deleted ? held.body : replyTo.body;
  const files = held && !deleted ? held.attachments.map((a) => a.name) : replyTo.files;
  const name = context?.nameOf(replyTo.senderId) ?? "";
  return (
    <button
      type="button"
      className={styles.quote}
      onClick={() => context?.jumpToOriginal(replyTo)}
      tabIndex={tabIndex}
      data-testid="reply-quote"
      data-deleted={deleted || undefined}
      aria-label={deleted ? "Reply to a deleted message" : `Reply to ${name}: go to the original message`}
    >
      {deleted ? (
        <span className={styles.quoteDeleted}>Original message deleted</span>
      ) : (
        <>
          <bdi className={styles.quoteName}>{name}</bdi>
          <bdi className={styles.quoteText}>{quoteText(body, files)}</bdi>
        </>
      )}
    </button>
  );
}

/** A quoted message as one line: its text, or, of files alone, their name ("plan.png", "3 files"). */
export function quoteText(body: string, files: readonly string[]): string {
  return body === "" && files.length ? filesLabel(files) : oneLine(body);
}

/** Line breaks as spaces: the quote is one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
