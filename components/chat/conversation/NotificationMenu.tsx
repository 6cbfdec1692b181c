"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { NotificationLevel } from "@/lib/conversations/types";
import chat from "../Chat.module.scss";
import styles from "./NotificationMenu.module.scss";

/** The levels in the order the menu offers them, with what each means. */
export const LEVELS: { level: NotificationLevel; label: string; hint: string; short: string }[] = [
  { level: "all", label: "All messages", hint: "Every new message notifies and counts", short: "All" },
  { level: "mentions", label: "Mentions only", hint: "Only @mentions of you or @all notify", short: "Mentions" },
  { level: "none", label: "Nothing", hint: "Muted: no notifications, no count", short: "Muted" },
];

function BellIcon({ level }: { level: NotificationLevel }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.9 1.9 0 0 0 3.4 0" />
      {level === "none" && <path d="m3 3 18 18" />}
      {level === "mentions" && <circle cx="12" cy="11" r="2.2" />}
    </svg>
  );
}

/**
 * The conversation header's bell: a menu button whose label says the current level, and a menu of
 * the three levels (menuitemradio, the current one checked). Arrow keys move, Enter or a click
 * chooses, Escape or a click outside closes it and gives the focus back to the button. A refused
 * change says why under the menu.
 */
export function NotificationMenu({ level, onChange }: { level: NotificationLevel; onChange(level: NotificationLevel): Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const current = LEVELS.find((l) => l.level === level) ?? LEVELS[0];

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[aria-checked="true"]')?.focus();
    const outside = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  function close() {
    setOpen(false);
    button.current?.focus();
  }

  function onMenuKey(e: KeyboardEvent) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === "Escape" || e.key === "Tab") {
      if (e.key === "Escape") e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[(at + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus();
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      items[e.key === "Home" ? 0 : items.length - 1]?.focus();
    }
  }

  function choose(next: NotificationLevel) {
    close();
    if (next === level) return;
    setError(null);
    onChange(next).catch((err: unknown) => setError(err instanceof Error ? err.message : "Could not change notifications"));
  }

  return (
    <div className={styles.wrap}>
      <button
        ref={button}
        type="button"
        className={chat.headerButtonLabeled}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title={`Notifications: ${current.label}`}
        data-testid="notification-level"
        data-level={level}
        onClick={() => setOpen((o) => !o)}
      >
        <BellIcon level={level} />
        <span className={chat.headerLabel}>
          <span className="visually-hidden">Notifications: </span>
          {current.short}
        </span>
      </button>
      {open && (
        <div ref={menu} id={menuId} role="menu" aria-label="Notifications for this conversation" className={styles.menu} onKeyDown={onMenuKey}>
          {LEVELS.map((l) => (
            <button key={l.level} type="button" role="menuitemradio" aria-checked={l.level === level} tabIndex={-1} className={styles.item} onClick={() => choose(l.level)}>
              <BellIcon level={l.level} />
              <span className={styles.text}>
                <span className={styles.label}>{l.label}</span>
                <span className={styles.hint}>{l.hint}</span>
              </span>
              <svg className={styles.check} width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
                <path d="M20 6 9 17l-5-5" />
              </svg>
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
