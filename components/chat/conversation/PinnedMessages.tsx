"use client";

import { useState } from "react";
import type { MessageView } from "@/lib/messages/types";
import { lazyDialog } from "../LazyDialog";
import styles from "../Chat.module.scss";
import own from "./Replies.module.scss";

// the list most visits never open loads on first use (the chat page's first-load budget)
const PinnedList = lazyDialog(() => import("./PinnedList").then((m) => m.PinnedList));

/**
 * The header's "Pinned" button with the conversation's pinned count, and the list it opens (a dialog:
 * Escape closes it and focus returns to the button), fetched from GET …/pins, newest pin first; each
 * entry jumps to its message.
 */
export function PinnedMessages({ conversationId, count, nameOf, onJump }: { conversationId: string; count: number; nameOf(id: string | null): string; onJump(message: MessageView): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={styles.headerButtonLabeled} onClick={() => setOpen(true)} onPointerEnter={PinnedList.preload} onFocus={PinnedList.preload} title="Pinned messages" data-testid="pinned-button" aria-label={`Pinned messages (${count})`}>
        <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M12 17v5M9 3h6l-1 7 4 3v2H6v-2l4-3-1-7z" />
        </svg>
        <span className={styles.headerLabel}>Pinned</span>
        <span className={own.pinCount} data-testid="pinned-count">
          {count}
        </span>
      </button>
      {open && (
        <PinnedList
          conversationId={conversationId}
          nameOf={nameOf}
          onClose={() => setOpen(false)}
          onJump={(m) => {
            setOpen(false);
            onJump(m);
          }}
        />
      )}
    </>
  );
}
