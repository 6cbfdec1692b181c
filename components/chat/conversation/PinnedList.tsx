"use client";

import { useEffect, useState } from "react";
import type { MessageView } from "@/lib/messages/types";
import { filesLabel } from "@/lib/attachments/rules";
import { Dialog } from "../Dialog";
import { useChatActions } from "../hooks/useChat";
import { fullTime, relativeTime } from "../messages/format";
import { oneLine } from "../messages/ReplyQuote";
import styles from "../Chat.module.scss";
import own from "./Replies.module.scss";

/** The pinned list PinnedMessages opens: fetched from GET …/pins, newest pin first; each entry jumps to its message. Loaded on first open (LazyDialog). */
export function PinnedList({ conversationId, nameOf, onClose, onJump }: { conversationId: string; nameOf(id: string | null): string; onClose(): void; onJump(message: MessageView): void }) {
  const actions = useChatActions();
  const [pins, setPins] = useState<MessageView[] | "loading" | "error">("loading");
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    actions.listPins(conversationId).then(
      (messages) => live && setPins(messages),
      () => live && setPins("error"),
    );
    return () => {
      live = false;
    };
  }, [actions, conversationId, attempt]);
  const now = new Date();
  return (
    <Dialog title="Pinned messages" onClose={onClose}>
      {pins === "loading" ? (
        <p className={own.pinState} aria-busy="true">
          Loading pinned messages…
        </p>
      ) : pins === "error" ? (
        <p className={own.pinState} role="alert">
          Could not load the pinned messages.{" "}
          <button type="button" className={styles.retryButton} onClick={() => (setPins("loading"), setAttempt((n) => n + 1))}>
            Try again
          </button>
        </p>
      ) : pins.length === 0 ? (
        <p className={own.pinState}>Nothing is pinned yet. Pin a message from its actions to keep it here.</p>
      ) : (
        <ul className={own.pinList} data-testid="pinned-list">
          {pins.map((m) => (
            <li key={m.id}>
              <button type="button" className={own.pinEntry} onClick={() => onJump(m)} data-testid="pinned-entry">
                <span className={own.pinMeta}>
                  <bdi className={own.pinName}>{nameOf(m.senderId)}</bdi>
                  <time dateTime={m.createdAt} title={fullTime(m.createdAt)}>
                    {relativeTime(m.createdAt, now)}
                  </time>
                </span>
                <bdi className={own.pinBody}>{m.body === "" && m.attachments.length ? filesLabel(m.attachments.map((a) => a.name)) : oneLine(m.body)}</bdi>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
