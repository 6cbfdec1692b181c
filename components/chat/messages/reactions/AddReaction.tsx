"use client";

import { lazy, Suspense, useRef, useState } from "react";
import { countUse } from "./frequent";
import { useReactions } from "./ReactionsContext";
import styles from "./Reactions.module.scss";
import { useInnerTabIndex } from "../tab-stops";

// The picker and its emoji data (~70 KB gzipped) load on first open only: not in the chat page's first load.
const EmojiPicker = lazy(() => import("./EmojiPicker"));

/**
 * The "add reaction" button: opens the emoji picker beside it, and reacts with what is picked.
 * `variant` "action" sits in a message's hover actions (a phone shows them on tap), "chip" at the
 * end of the reaction chips.
 */
export function AddReaction({ messageId, variant, onError }: { messageId: string; variant: "action" | "chip"; onError?(message: string | null): void }) {
  const api = useReactions();
  const [open, setOpen] = useState(false);
  const tabIndex = useInnerTabIndex();
  const button = useRef<HTMLButtonElement>(null);
  if (!api) return null;

  async function pick(emoji: string) {
    setOpen(false);
    countUse(emoji);
    onError?.(await api!.react(messageId, emoji, true));
  }

  return (
    <>
      <button
        ref={button}
        type="button"
        className={variant === "chip" ? styles.addChip : styles.addAction}
        aria-label="Add reaction"
        title="Add reaction"
        tabIndex={tabIndex}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid="add-reaction"
      >
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M21 12a9 9 0 1 1-6.2-8.56" />
          <path d="M8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01M19 2v6M16 5h6" />
        </svg>
      </button>
      {open && (
        <Suspense fallback={null}>
          <EmojiPicker anchor={button.current} onPick={(e) => void pick(e)} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
