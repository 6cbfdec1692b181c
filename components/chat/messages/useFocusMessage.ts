"use client";

import { useEffect, useRef, type RefObject } from "react";
import styles from "./Replies.module.scss";

/** How long a message jumped to stays highlighted (ms). */
export const HIGHLIGHT_MS = 2000;

/**
 * Scrolls the message `focus.id` (an element with `data-message-id`) into the middle of `scroller`,
 * moves keyboard focus to it and highlights it briefly, then calls `onScrolled` (the list remembers its
 * new place); again whenever `focus.nonce` changes. Works on
 * the DOM, so the memoised message items do not render again for it.
 */
export function useFocusMessage(scroller: RefObject<HTMLElement | null>, focus: { id: string; nonce: number } | null, onScrolled: () => void): void {
  const id = focus?.id;
  const nonce = focus?.nonce;
  const scrolled = useRef(onScrolled);
  scrolled.current = onScrolled;
  useEffect(() => {
    const el = id ? scroller.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`) : null;
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    scrolled.current();
    el.classList.add(styles.highlight);
    el.dataset.highlight = "true";
    const timer = setTimeout(() => {
      el.classList.remove(styles.highlight);
      delete el.dataset.highlight;
    }, HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [scroller, id, nonce]);
}
