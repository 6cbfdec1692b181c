"use client";

import { memo, useState, type KeyboardEvent } from "react";
import type { MessageView } from "@/lib/messages/types";
import { checkMessageBody } from "@/lib/messages/rules";
import { clockTime, fullTime } from "./format";
import { MessageBody } from "./MessageBody";
import { NOT_SENT } from "../client/outbox";
import type { OutgoingMessage } from "../client/state";
import styles from "./Messages.module.scss";

export interface MessageHandlers {
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
  /** resolve to an error message, or null when done */
  onEdit(messageId: string, body: string): Promise<string | null>;
  onDelete(messageId: string): Promise<string | null>;
}

// Memoised (like OutgoingItem): a list re-renders on every change of the chat state, and most of
// those leave each message as it was. `handlers` must therefore be a stable object.
export const SentMessage = memo(function SentMessage({ message, own, showTime, handlers }: { message: MessageView; own: boolean; showTime: boolean; handlers: MessageHandlers }) {
  const [mode, setMode] = useState<"view" | "edit" | "saving" | "confirm-delete" | "deleting">("view");
  const [draft, setDraft] = useState(message.body);
  const [error, setError] = useState<string | null>(null);
  const deleted = message.deletedAt !== null;

  async function save() {
    // the server's rule (code points, marks), checked here first for an immediate, precise message
    const parsed = checkMessageBody(draft);
    if (!parsed.success) {
      setError(parsed.message);
      return;
    }
    const body = parsed.data;
    if (body === message.body) {
      setMode("view");
      return;
    }
    setMode("saving");
    const err = await handlers.onEdit(message.id, body);
    setError(err);
    setMode(err ? "edit" : "view");
  }

  async function confirmDelete() {
    setMode("deleting");
    const err = await handlers.onDelete(message.id);
    setError(err);
    setMode("view");
  }

  function onEditKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    } else if (e.key === "Escape") {
      e.preventDefault();
      setDraft(message.body);
      setError(null);
      setMode("view");
    }
  }

  return (
    <div className={styles.message} data-testid="message" data-own={own || undefined} data-deleted={deleted || undefined} tabIndex={-1}>
      {showTime && (
        <time className={styles.hoverTime} dateTime={message.createdAt} title={fullTime(message.createdAt)}>
          {clockTime(message.createdAt)}
        </time>
      )}
      {mode === "edit" || mode === "saving" ? (
        <div className={styles.editBox}>
          <label className="visually-hidden" htmlFor={`edit-${message.id}`}>
            Edit message
          </label>
          <textarea
            id={`edit-${message.id}`}
            className={styles.editInput}
            value={draft}
            autoFocus
            rows={Math.min(8, draft.split("\n").length)}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onEditKey}
            disabled={mode === "saving"}
          />
          <div className={styles.editActions}>
            <span className={styles.editHint}>Enter to save · Escape to cancel</span>
            <button type="button" className={styles.textButton} onClick={() => setMode("view")} disabled={mode === "saving"}>
              Cancel
            </button>
            <button type="button" className={styles.smallPrimary} onClick={() => void save()} disabled={mode === "saving"}>
              Save
            </button>
          </div>
        </div>
      ) : (
        <div className={styles.bubble} data-edited={(message.editedAt && !deleted) || undefined}>
          {deleted ? (
            <span className={styles.deleted}>message deleted</span>
          ) : (
            <div className={styles.body} data-testid="message-body">
              <MessageBody body={message.body} mentions={message.mentions} conversationId={message.conversationId} />
            </div>
          )}
          {message.editedAt && !deleted && (
            <span className={styles.edited} title={`Edited ${fullTime(message.editedAt)}`}>
              {" "}
              (edited)
            </span>
          )}
        </div>
      )}
      {own && !deleted && mode === "view" && (
        <div className={styles.actions}>
          <button
            type="button"
            className={styles.actionButton}
            onClick={() => {
              setDraft(message.body);
              setError(null);
              setMode("edit");
            }}
          >
            Edit
          </button>
          <button type="button" className={styles.actionButton} onClick={() => setMode("confirm-delete")}>
            Delete
          </button>
        </div>
      )}
      {mode === "confirm-delete" && (
        <div className={styles.confirm} role="group" aria-label="Delete this message?">
          <span>Delete this message?</span>
          <button type="button" className={styles.textButton} onClick={() => setMode("view")}>
            Cancel
          </button>
          <button type="button" className={styles.dangerButton} onClick={() => void confirmDelete()} autoFocus>
            Delete
          </button>
        </div>
      )}
      {error && (
        <p className={styles.messageError} role="alert">
          {error}
        </p>
      )}
    </div>
  );
});

/** "Not sent." or "Not sent: <the server's reason>." (its own full stop kept, not doubled). */
function notSentLine(error: string | undefined): string {
  if (!error || error === NOT_SENT) return `${NOT_SENT}.`;
  return `${NOT_SENT}: ${error}${/[.!?…]$/.test(error) ? "" : "."}`;
}

export const OutgoingItem = memo(function OutgoingItem({ message, handlers }: { message: OutgoingMessage; handlers: MessageHandlers }) {
  const failed = message.status === "failed";
  return (
    <div className={styles.message} data-testid="message" data-own data-status={message.status}>
      <div className={styles.bubble}>
        <div className={styles.body} data-testid="message-body">
          <MessageBody body={message.body} />
        </div>
      </div>
      {failed ? (
        <div className={styles.failed} role="alert">
          <span>{notSentLine(message.error)}</span>
          <button type="button" className={styles.textButton} onClick={() => handlers.onRetry(message.clientId)}>
            Retry
          </button>
          <button type="button" className={styles.textButton} onClick={() => handlers.onDiscard(message.clientId)}>
            Discard
          </button>
        </div>
      ) : (
        <span className={styles.pending}>Sending…</span>
      )}
    </div>
  );
});
