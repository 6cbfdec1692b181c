"use client";

import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useEscapeLayer } from "@/components/useEscapeLayer";
import styles from "./Dialog.module.scss";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The dialog's tab stops that can take focus now (visible, enabled). */
function tabStops(el: HTMLElement): HTMLElement[] {
  return [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((n) => n.offsetParent !== null || n === document.activeElement);
}

/**
 * A modal dialog: focus moves in, Tab stays inside, Escape closes, focus returns to the opener.
 * Escape and Tab are heard on the whole document (hooks/useEscapeLayer.ts), not only inside the
 * dialog: a button that vanishes or is disabled when pressed ("Remove", "Leave group…", a chip)
 * drops the focus onto the page's body, and the dialog must still close on Escape and keep Tab in.
 * Such lost focus is also put back on the dialog itself. Of dialogs opened over one another only
 * the newest answers. Focus returns to the opener only if it is still lost or inside the dialog on
 * closing: a dialog that closed by opening a conversation leaves the focus in that composer.
 * `wide` widens the card; `fill` makes it the whole window on a dark backdrop (the image viewer).
 * It is drawn at the end of the page's body: a dialog opened from a part of the page that is hidden
 * (the sidebar, behind a conversation on a phone, where Ctrl+K opens the switcher) still shows.
 */
export function Dialog({ title, onClose, children, wide, fill }: { title: string; onClose(): void; children: ReactNode; wide?: boolean; fill?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // taken while rendering, before autoFocus inside the dialog moves the focus
  const [opener] = useState(() => (typeof document === "undefined" ? null : (document.activeElement as HTMLElement | null)));
  const isTop = useEscapeLayer(true, onClose, true);

  // in the commit that shows it, so the focus is inside from its first frame (./LazyDialog.tsx
  // shows some dialogs outside any event, where an effect would run a frame later)
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const first = el.querySelector<HTMLElement>("[autofocus], input, textarea") ?? el.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? el).focus();

    const lost = () => document.activeElement === null || document.activeElement === document.body;
    // a pressed button that disappears or is disabled leaves the focus nowhere: back onto the dialog
    const refocus = () => {
      if (lost() && isTop()) el.focus();
    };
    const onFocusOut = (e: FocusEvent) => {
      if (e.relatedTarget === null) setTimeout(refocus, 0);
    };
    const observer = new MutationObserver(refocus);
    observer.observe(el, { subtree: true, childList: true, attributes: true, attributeFilter: ["disabled"] });
    el.addEventListener("focusout", onFocusOut);

    // Tab cycles inside the newest dialog, also when the focus was elsewhere
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== "Tab" || e.defaultPrevented || !isTop()) return;
      const items = tabStops(el);
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      const active = document.activeElement;
      if (!el.contains(active)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      } else if (e.shiftKey && (active === first || active === el)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKeyDown);

    return () => {
      observer.disconnect();
      el.removeEventListener("focusout", onFocusOut);
      document.removeEventListener("keydown", onKeyDown);
      // by now the dialog has left the page: a focus that was in it is lost
      if (opener && document.contains(opener) && (lost() || el.contains(document.activeElement))) opener.focus();
    };
    // isTop reads the layer stack; it need not re-run this
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opener]);

  const dialog = (
    <div className={styles.backdrop} data-fill={fill || undefined} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={styles.dialog} data-wide={wide || undefined} data-fill={fill || undefined} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}>
        <header className={styles.header}>
          <h2 id={titleId} className={styles.title}>
            {title}
          </h2>
          <button type="button" className={styles.close} onClick={onClose} aria-label="Close">
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
              <path d="M18 6 6 18M6 6l12 12" />
            </svg>
          </button>
        </header>
        <div className={styles.content}>{children}</div>
      </div>
    </div>
  );
  // never open in the server's HTML; the check keeps a server render from failing if one were
  return typeof document === "undefined" ? dialog : createPortal(dialog, document.body);
}
