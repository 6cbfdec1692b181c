"use client";

import { lazy, memo, Suspense, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { AttachmentView, MessageView, ReplyPreview } from "@/lib/messages/types";
import { checkSentBody } from "@/lib/messages/rules";

// A message's files and a reply's quote render on the server with it; in the browser their code
// loads apart (it is not in the chat page's first load, issue 13: 190 KB) and that part hydrates when
// it arrives (React's selective hydration of a Suspense boundary), so nothing moves. A message with
// files, or a reply, arriving live waits for it the first time.
const LazyAttachments = lazy(() => import("./Attachments").then((m) => ({ default: m.Attachments })));
function Attachments({ attachments }: { attachments: AttachmentView[] }) {
  if (!attachments.length) return null;
  return (
    <Suspense fallback={null}>
      <LazyAttachments attachments={attachments} />
    </Suspense>
  );
}
const LazyReplyQuote = lazy(() => import("./ReplyQuote").then((m) => ({ default: m.ReplyQuote })));
function ReplyQuote({ replyTo }: { replyTo: ReplyPreview }) {
  return (
    <Suspense fallback={null}>
      <LazyReplyQuote replyTo={replyTo} />
    </Suspense>
  );
}
import { clockTime, fullTime } from "./format";
import { useTimeZone } from "../hooks/useNow";
import { MessageBody } from "./MessageBody";
import { InnerTabStops } from "./tab-stops";
import { AddReaction } from "./reactions/AddReaction";
import { ReactionChips } from "./reactions/ReactionChips";
import { NOT_SENT } from "../client/outbox";
import type { OutgoingMessage } from "../client/state";
import styles from "./Messages.module.scss";
import { useMessageMenu } from "./MessageMenu";
import { useMessageMenuItems } from "./message-menu-items";
import { PinnedMark } from "./PinnedMark";

export interface MessageHandlers {
  onRetry(clientId: string): void;
  onDiscard(clientId: string): void;
  /** resolve to an error message, or null when done */
  onEdit(messageId: string, body: string): Promise<string | null>;
  onDelete(messageId: string): Promise<string | null>;
}

/**
 * What every message row takes for the keyboard (MessageList's roving focus, docs/chat-ui.md
 * "Keyboard"): `current` marks the one message of the list that is a tab stop; its buttons and
 * links are tab stops too, every other message's are not (tabIndex -1), so Tab crosses the list in
 * one step instead of stopping at each message's buttons.
 */
interface RowProps {
  current: boolean;
}

/** tabIndex for what is inside a message: in the tab order only in the current one. */
const inner = (current: boolean) => (current ? undefined : -1);

// Memoised (like OutgoingItem): a list re-renders on every change of the chat state, and most of
// those leave each message as it was. `handlers` must therefore be a stable object.
/**
 * One sent message, with Edit and Delete for one's own. `editRequest` (a number that changes per
 * request, 0 for none) opens the edit box from outside: Up in an empty composer. The edit box ends
 * (Enter saves, Escape cancels) with the focus back where it was when editing began — the
 * composer — or on the message when that is gone (the Edit button it was pressed on).
 */
export const SentMessage = memo(function SentMessage({
  message,
  own,
  showTime,
  handlers,
  current,
  editRequest = 0,
}: RowProps & { message: MessageView; own: boolean; showTime: boolean; handlers: MessageHandlers; editRequest?: number }) {
  const timeZone = useTimeZone();
  const [mode, setMode] = useState<"view" | "edit" | "saving" | "confirm-delete" | "deleting">("view");
  const [draft, setDraft] = useState(message.body);
  const [error, setError] = useState<string | null>(null);
  const deleted = message.deletedAt !== null;
  const row = useRef<HTMLDivElement>(null);
  const editBox = useRef<HTMLTextAreaElement>(null);
  // where the focus goes once the edit box or the delete question closes; null: stay put
  const returnTo = useRef<HTMLElement | null>(null);
  const editable = own && !deleted;

  function startEdit() {
    returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setDraft(message.body);
    setError(null);
    setMode("edit");
  }

  /** Back to showing the message, the focus where editing or deleting began. */
  function backToView() {
    setMode("view");
    if (!returnTo.current) returnTo.current = row.current;
  }

  useEffect(() => {
    if (editRequest && editable) startEdit();
    // only a new request opens the box
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editRequest]);

  useEffect(() => {
    // into the edit box, the caret at the end as after typing the text; again after a refused save
    const el = editBox.current;
    if (mode === "edit" && el && document.activeElement !== el) {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    }
    if (mode !== "view" || !returnTo.current) return;
    const target = returnTo.current;
    returnTo.current = null;
    (target.isConnected && target !== document.body ? target : row.current)?.focus();
  }, [mode]);
  const { press, menu } = useMessageMenu(useMessageMenuItems(message, setError), "this message");

  async function save() {
    // the server's rule (code points, marks), checked here first for an immediate, precise message;
    // the text of a message with files may be removed
    const parsed = checkSentBody(draft, message.attachments.length > 0);
    if (!parsed.success) {
      setError(parsed.message);
      return;
    }
    const body = parsed.data;
    if (body === message.body) {
      backToView();
      return;
    }
    setMode("saving");
    const err = await handlers.onEdit(message.id, body);
    setError(err);
    if (err) setMode("edit");
    else backToView();
  }

  async function confirmDelete() {
    setMode("deleting");
    const err = await handlers.onDelete(message.id);
    setError(err);
    returnTo.current = row.current;
    setMode("view");
  }

  function cancelEdit() {
    setDraft(message.body);
    setError(null);
    backToView();
  }

  function onEditKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    } else if (e.key === "Escape" && !e.nativeEvent.isComposing) {
      e.preventDefault();
      cancelEdit();
    }
  }

  function cancelDelete() {
    returnTo.current = row.current;
    setMode("view");
  }

  function onConfirmKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== "Escape") return;
    e.preventDefault();
    cancelDelete();
  }

  return (
    <InnerTabStops.Provider value={current}>
    <div
      ref={row}
      className={styles.message}
      data-testid="message"
      data-own={own || undefined}
      data-deleted={deleted || undefined}
      data-message-key={message.id}
      data-message-id={message.id}
      {...press}
      tabIndex={current ? 0 : -1}
    >
      {showTime && (
        <time className={styles.hoverTime} dateTime={message.createdAt} title={fullTime(message.createdAt, timeZone)}>
          {clockTime(message.createdAt, timeZone)}
        </time>
      )}
      {message.replyTo && <ReplyQuote replyTo={message.replyTo} />}
      {mode === "edit" || mode === "saving" ? (
        <div className={styles.editBox}>
          <label className="visually-hidden" htmlFor={`edit-${message.id}`}>
            Edit message
          </label>
          <textarea
            id={`edit-${message.id}`}
            className={styles.editInput}
            value={draft}
            ref={editBox}
            rows={Math.min(8, draft.split("\n").length)}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onEditKey}
            disabled={mode === "saving"}
          />
          <div className={styles.editActions}>
            <span className={styles.editHint}>Enter to save · Escape to cancel</span>
            <button type="button" className={styles.textButton} onClick={cancelEdit} disabled={mode === "saving"}>
              Cancel
            </button>
            <button type="button" className={styles.smallPrimary} onClick={() => void save()} disabled={mode === "saving"}>
              Save
            </button>
          </div>
        </div>
      ) : deleted || message.body !== "" || !message.attachments.length ? (
        <div className={styles.bubble} data-edited={(message.editedAt && !deleted) || undefined}>
          {deleted ? (
            <span className={styles.deleted}>message deleted</span>
          ) : (
            <div className={styles.body} data-testid="message-body">
              <MessageBody body={message.body} mentions={message.mentions} conversationId={message.conversationId} />
            </div>
          )}
          {message.editedAt && !deleted && (
            <span className={styles.edited} title={`Edited ${fullTime(message.editedAt, timeZone)}`}>
              {" "}
              (edited)
            </span>
          )}
        </div>
      ) : null}
      {!deleted && <Attachments attachments={message.attachments} />}
      {!deleted && mode === "view" && message.kind !== "system" && <ReactionChips messageId={message.id} reactions={message.reactions} onError={setError} />}
      {message.pinnedAt && !deleted && <PinnedMark />}
      {mode === "view" && menu}
      {!own && !deleted && mode === "view" && message.kind !== "system" && (
        <div className={styles.actions}>
          <AddReaction messageId={message.id} variant="action" onError={setError} />
        </div>
      )}
      {editable && mode === "view" && (
        <div className={styles.actions}>
          <AddReaction messageId={message.id} variant="action" onError={setError} />
          <button type="button" className={styles.actionButton} tabIndex={inner(current)} onClick={startEdit}>
            Edit
          </button>
          <button type="button" className={styles.actionButton} tabIndex={inner(current)} onClick={() => setMode("confirm-delete")}>
            Delete
          </button>
        </div>
      )}
      {mode === "confirm-delete" && (
        <div className={styles.confirm} role="group" aria-label="Delete this message?" onKeyDown={onConfirmKey}>
          <span>Delete this message?</span>
          <button type="button" className={styles.textButton} onClick={cancelDelete}>
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
    </InnerTabStops.Provider>
  );
});

/** "Not sent." or "Not sent: <the server's reason>." (its own full stop kept, not doubled). */
function notSentLine(error: string | undefined): string {
  if (!error || error === NOT_SENT) return `${NOT_SENT}.`;
  return `${NOT_SENT}: ${error}${/[.!?…]$/.test(error) ? "" : "."}`;
}

/** One's own message on its way (Sending…), or not sent (with Retry and Discard). */
export const OutgoingItem = memo(function OutgoingItem({ message, handlers, current }: RowProps & { message: OutgoingMessage; handlers: MessageHandlers }) {
  const failed = message.status === "failed";
  return (
    <div className={styles.message} data-testid="message" data-own data-status={message.status} data-message-key={outgoingKey(message)} tabIndex={current ? 0 : -1}>
      {message.quote && (
        <InnerTabStops.Provider value={current}>
          <ReplyQuote replyTo={message.quote} />
        </InnerTabStops.Provider>
      )}
      {(message.body !== "" || !message.attachments?.length) && (
        <div className={styles.bubble}>
          <div className={styles.body} data-testid="message-body">
            <InnerTabStops.Provider value={current}>
              <MessageBody body={message.body} mentions={message.mentions} conversationId={message.conversationId} />
            </InnerTabStops.Provider>
          </div>
        </div>
      )}
      {message.attachments && <Attachments attachments={message.attachments} />}
      {failed ? (
        <div className={styles.failed} role="alert">
          <span>{notSentLine(message.error)}</span>
          <button type="button" className={styles.textButton} tabIndex={inner(current)} onClick={() => handlers.onRetry(message.clientId)}>
            Retry
          </button>
          <button type="button" className={styles.textButton} tabIndex={inner(current)} onClick={() => handlers.onDiscard(message.clientId)}>
            Discard
          </button>
        </div>
      ) : (
        <span className={styles.pending}>Sending…</span>
      )}
    </div>
  );
});

/** The roving-focus key of a message not yet acknowledged (a sent one's is its id). */
export const outgoingKey = (message: OutgoingMessage) => `out-${message.clientId}`;
