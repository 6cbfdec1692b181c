"use client";

import { autoUpdate, flip, offset, shift, useFloating } from "@floating-ui/react-dom";
import { memo, useEffect, useId, useRef, useState, type FocusEvent, type PointerEvent } from "react";
import { createPortal } from "react-dom";
import { PersonName } from "../PersonName";
import styles from "./Messages.module.scss";

/** Someone who read the message, as the receipt names them (`handle`: their @username, when another member's name reads the same). */
export interface Reader {
  id: string;
  displayName: string;
  handle?: string;
}

/** The most names the popover lists; a bigger group's receipt ends with "and N more". */
export const NAMES_SHOWN = 15;

/**
 * The one read receipt of a conversation, under the message it belongs to (which one:
 * client/receipts.ts `readReceipt`). A direct conversation says "Seen" — without a time: the server
 * keeps read positions, not when they moved. A group says "Seen by N" on a quiet button whose names
 * (each bidi-isolated on its own) show in a tooltip on mouse hover or keyboard focus, and as a
 * popover on a tap or a click (the first NAMES_SHOWN, in member order; "and N more" for the rest);
 * Escape or a press elsewhere closes it. It is placed in a portal (never clipped by the message
 * list, never changing its height) by Floating UI's positioning alone (@floating-ui/react-dom,
 * a few KB: above the button, flipped below when there is no room, kept 8 px inside the window);
 * the four interactions are the few handlers below, not @floating-ui/react's (about 12 KB
 * compressed of the chat page's first load, docs/web-performance.md).
 */
export const ReadReceipt = memo(function ReadReceipt({ group, readers }: { group: boolean; readers: Reader[] }) {
  if (!group) {
    return (
      <p className={styles.receipt} data-testid="read-receipt">
        Seen
      </p>
    );
  }
  return <SeenBy readers={readers} />;
});

/** A mouse resting this long on the button shows the names; leaving it (or them) hides them after GRACE_MS, time to cross the gap onto them. */
const HOVER_MS = 150;
const GRACE_MS = 120;

/** Why the names are showing: a hover and a keyboard focus are passing, a press stays until pressed again, Escape or a press elsewhere. */
type Reason = "hover" | "focus" | "press";

function SeenBy({ readers }: { readers: Reader[] }) {
  const [reason, setReason] = useState<Reason | null>(null);
  const open = reason !== null;
  const { refs, elements, floatingStyles } = useFloating({
    open,
    placement: "top-end",
    middleware: [offset(6), flip({ padding: 8 }), shift({ padding: 8 })],
    whileElementsMounted: autoUpdate,
  });
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const later = (ms: number, fn: () => void) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(fn, ms);
  };
  const pressing = useRef(false);
  const id = useId();

  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (!open) return;
    const { reference, floating } = elements;
    const inside = (t: EventTarget | null) => t instanceof Node && ((reference instanceof Node && reference.contains(t)) || Boolean(floating?.contains(t)));
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setReason(null);
    };
    const onPress = (e: globalThis.PointerEvent) => {
      if (!inside(e.target)) setReason(null);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPress);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPress);
    };
  }, [open, elements]);

  // a mouse only: a touch does not hover, its tap is a press
  function hoverIn(e: PointerEvent) {
    if (e.pointerType !== "mouse") return;
    if (open) clearTimeout(timer.current);
    else later(HOVER_MS, () => setReason((r) => r ?? "hover"));
  }
  function hoverOut(e: PointerEvent) {
    if (e.pointerType === "mouse") later(GRACE_MS, () => setReason((r) => (r === "hover" ? null : r)));
  }
  function onFocus(e: FocusEvent<HTMLButtonElement>) {
    // keyboard focus shows them; the focus a tap or a click brings is left to the press
    let keyboard = !pressing.current;
    try {
      keyboard = e.currentTarget.matches(":focus-visible");
    } catch {
      // a browser without :focus-visible: any focus no pointer brought
    }
    pressing.current = false;
    if (keyboard) setReason((r) => r ?? "focus");
  }
  function onBlur(e: FocusEvent) {
    const intoNames = e.relatedTarget instanceof Node && Boolean(elements.floating?.contains(e.relatedTarget));
    if (!intoNames) setReason((r) => (r === "focus" ? null : r));
  }
  // a press after a hover or a focus keeps them; a press on a press closes them
  function onClick() {
    pressing.current = false;
    clearTimeout(timer.current);
    setReason((r) => (r === "press" ? null : "press"));
  }

  const label = `Seen by ${readers.length}`;
  const shown = readers.slice(0, NAMES_SHOWN);
  const more = readers.length - shown.length;
  return (
    <div className={styles.receipt} data-testid="read-receipt">
      <button
        type="button"
        ref={refs.setReference}
        className={styles.receiptButton}
        aria-expanded={open}
        aria-describedby={open ? id : undefined}
        onPointerEnter={hoverIn}
        onPointerLeave={hoverOut}
        onPointerDown={() => (pressing.current = true)}
        onFocus={onFocus}
        onBlur={onBlur}
        onClick={onClick}
      >
        {label}
      </button>
      {open &&
        createPortal(
          <div
            id={id}
            role="tooltip"
            ref={refs.setFloating}
            style={floatingStyles}
            className={styles.receiptNames}
            data-testid="read-receipt-names"
            onPointerEnter={hoverIn}
            onPointerLeave={hoverOut}
          >
            {/* the button's own name says it already: the description is the names */}
            <p className={styles.receiptTitle} aria-hidden="true">
              {label}
            </p>
            <ul>
              {shown.map((r) => (
                <li key={r.id}>
                  <PersonName name={r.displayName} handle={r.handle} />
                </li>
              ))}
            </ul>
            {more > 0 && <p className={styles.receiptMore}>and {more} more</p>}
          </div>,
          document.body,
        )}
    </div>
  );
}
