"use client";

import { useEffect, useRef, useState, type HTMLAttributes, type ReactNode } from "react";
import styles from "./Replies.module.scss";

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
      if (opener && document.contains(opener)) opener.focus();
    };
  }, [open]);

  if (!items.length) return { press: {}, menu: null };
  const press: MessageMenuParts["press"] = {
    onPointerDown(e) {
      if (e.pointerType !== "touch") return;
      start.current = { x: e.clientX, y: e.clientY };
      timer.current = setTimeout(() => setOpen(true), LONG_PRESS_MS);
    },
    onPointerMove(e) {
      if (start.current && Math.hypot(e.clientX - start.current.x, e.clientY - start.current.y) > MOVE_TOLERANCE_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onContextMenu(e) {
      // a long press on touch raises this too; a right click keeps the browser's own menu
      if (!open && !start.current) return;
      e.preventDefault();
      cancel();
      setOpen(true);
    },
  };
  const menu = (
    <>
      <div className={styles.toolbar} role="toolbar" aria-label={`Actions for ${label}`}>
        {items.map((item) => (
          <button key={item.key} type="button" className={styles.toolButton} onClick={item.onSelect} title={item.label} aria-label={item.label} data-action={item.key}>
            {item.icon ?? item.label}
          </button>
        ))}
      </div>
      {open && (
        <div className={styles.sheetBackdrop} onClick={() => setOpen(false)} data-testid="message-menu">
          <div ref={sheet} className={styles.sheet} role="menu" aria-label={`Actions for ${label}`} onClick={(e) => e.stopPropagation()}>
            {items.map((item) => (
              <button
                key={item.key}
                type="button"
                role="menuitem"
                className={styles.sheetItem}
                onClick={() => {
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
