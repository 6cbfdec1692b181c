"use client";

import { useEffect, useRef, useState, type HTMLAttributes, type ReactNode } from "react";
import styles from "./Replies.module.scss";
import { useInnerTabIndex } from "./tab-stops";

/** One action offered on a message (Reply, Pin …). Other features add theirs to the list (useMessageMenuItems). */
export interface MessageMenuItem {
  key: string;
  label: string;
  onSelect(): void;
  /** a small icon for the hover toolbar (the phone menu shows the label) */
  icon?: ReactNode;
}

/** Press this long on a message (touch) to open its menu; a move of more than a few pixels is a scroll instead. */
export const LONG_PRESS_MS = 450;
const MOVE_TOLERANCE_PX = 10;
/** A click this soon after the press that opened the menu was released is that press's own tap. */
const GHOST_CLICK_MS = 400;

/** Pointer handlers for the message's root element (the long press), and the toolbar and menu to render inside it. */
export interface MessageMenuParts {
  press: Pick<HTMLAttributes<HTMLElement>, "onPointerDown" | "onPointerMove" | "onPointerUp" | "onPointerCancel" | "onContextMenu">;
  menu: ReactNode;
}

/**
 * A message's actions: on a device that hovers, a small toolbar shown on hover or keyboard focus
 * (CSS); on touch, a long press (or the context menu it raises) opens them as a menu sheet, closed by
 * a choice, a tap outside, Cancel or Escape. Spread `press` on the message's root (which is
 * `data-testid="message"`, position: relative) and render `menu` inside it.
 */
export function useMessageMenu(items: MessageMenuItem[], label: string): MessageMenuParts {
  const [open, setOpen] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const sheet = useRef<HTMLDivElement>(null);
  // when the press that opened the menu opened it, then when it was released
  const pressedOpen = useRef(0);
  // when the last touch began: a long press may end in pointercancel and then contextmenu
  const touchedAt = useRef(0);

  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    start.current = null;
  };
  useEffect(() => cancel, []);
  useEffect(() => {
    if (!open) return;
    const opener = document.activeElement as HTMLElement | null;
    sheet.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      // back where it was, unless the chosen action put it somewhere (Reply: the composer)
      const now = document.activeElement;
      const free = !now || now === document.body || sheet.current?.contains(now);
      if (free && opener && document.contains(opener)) opener.focus();
    };
  }, [open]);

  // the release of the press that opened the menu may click whatever is under the finger now
  const ghost = () => Date.now() - pressedOpen.current < GHOST_CLICK_MS;

  if (!items.length) return { press: {}, menu: null };
  const press: MessageMenuParts["press"] = {
    onPointerDown(e) {
      // (a touch on the open sheet, which lives inside the message, is no new press)
      if (e.pointerType !== "touch" || open) return;
      // a long press on a control inside the message (a reaction chip shows who reacted) is that control's
      if ((e.target as Element).closest("button, a[href], textarea, input, [role=button]")) return;
      start.current = { x: e.clientX, y: e.clientY };
      touchedAt.current = Date.now();
      timer.current = setTimeout(() => {
        pressedOpen.current = Date.now();
        setOpen(true);
      }, LONG_PRESS_MS);
    },
    onPointerMove(e) {
      if (start.current && Math.hypot(e.clientX - start.current.x, e.clientY - start.current.y) > MOVE_TOLERANCE_PX) cancel();
    },
    onPointerUp() {
      if (start.current && pressedOpen.current) pressedOpen.current = Date.now();
      cancel();
    },
    onPointerCancel: cancel,
    onContextMenu(e) {
      // a long press on touch raises this too; a right click keeps the browser's own menu
      if (!open && !start.current && Date.now() - touchedAt.current > 2 * LONG_PRESS_MS + 1000) return;
      if (!open && (e.target as Element).closest("button, a[href], textarea, input, [role=button]")) return;
      e.preventDefault();
      cancel();
      pressedOpen.current = Date.now();
      setOpen(true);
    },
  };
  const menu = (
    <>
      <div className={styles.toolbar} role="toolbar" aria-label={`Actions for ${label}`}>
        {items.map((item) => (
          <ToolButton key={item.key} label={item.label} action={item.key} onClick={item.onSelect}>
            {item.icon ?? item.label}
          </ToolButton>
        ))}
      </div>
      {open && (
        <div
          className={styles.sheetBackdrop}
          onClick={() => !ghost() && setOpen(false)}
          data-testid="message-menu"
        >
          <div ref={sheet} className={styles.sheet} role="menu" aria-label={`Actions for ${label}`} onClick={(e) => e.stopPropagation()}>
            {items.map((item) => (
              <button
                key={item.key}
                type="button"
                role="menuitem"
                className={styles.sheetItem}
                onClick={() => {
                  if (ghost()) return;
                  setOpen(false);
                  item.onSelect();
                }}
              >
                {item.icon}
                <span>{item.label}</span>
              </button>
            ))}
            <button type="button" className={styles.sheetCancel} onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </>
  );
  return { press, menu };
}

/** A button of the hover toolbar: a tab stop only in the message list's current message (./tab-stops.ts). */
function ToolButton({ label, action, onClick, children }: { label: string; action: string; onClick(): void; children: ReactNode }) {
  return (
    <button type="button" className={styles.toolButton} onClick={onClick} title={label} aria-label={label} data-action={action} tabIndex={useInnerTabIndex()}>
      {children}
    </button>
  );
}
