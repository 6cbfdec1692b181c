"use client";

import { memo, useCallback, useEffect, useId, useRef, useState, type FocusEvent, type PointerEvent } from "react";
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
 * (./SeenByNames.tsx, each bidi-isolated on its own) show in a tooltip on mouse hover or keyboard
 * focus, and as a popover on a tap or a click (the first NAMES_SHOWN, in member order; "and N
 * more" for the rest); Escape or a press elsewhere closes it.
 *
 * The names and their positioning (Floating UI) load on first use, started by the first sign of
 * interest (a mouse over the button, its focus, a press), so the page does not carry them
 * (docs/web-performance.md); a load that fails (offline) is tried again on the next one.
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

type NamesModule = typeof import("./SeenByNames");
let names: NamesModule | null = null;
let loading: Promise<NamesModule> | null = null;
/** Loads ./SeenByNames once; a failed load is forgotten, so the next call tries again. */
function loadNames(): Promise<NamesModule> {
  loading ??= import("./SeenByNames").then(
    (m) => (names = m),
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

function SeenBy({ readers }: { readers: Reader[] }) {
  const [reason, setReason] = useState<Reason | null>(null);
  const open = reason !== null;
  const [loaded, setLoaded] = useState<NamesModule | null>(names);
  const [button, setButton] = useState<HTMLButtonElement | null>(null);
  const floating = useRef<HTMLDivElement | null>(null);
  const onNames = useCallback((el: HTMLDivElement | null) => {
    floating.current = el;
  }, []);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const later = (ms: number, fn: () => void) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(fn, ms);
  };
  const pressing = useRef(false);
  const id = useId();

  function preload() {
    if (!loaded) loadNames().then(setLoaded, () => {});
  }
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (!open) return;
    if (!loaded) loadNames().then(setLoaded, () => setReason(null));
    const inside = (t: EventTarget | null) => t instanceof Node && (Boolean(button?.contains(t)) || Boolean(floating.current?.contains(t)));
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
  }, [open, loaded, button]);

  // a mouse only: a touch does not hover, its tap is a press
  function hoverIn(e: PointerEvent) {
    if (e.pointerType !== "mouse") return;
    preload();
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
    else preload();
  }
  function onBlur(e: FocusEvent) {
    const intoNames = e.relatedTarget instanceof Node && Boolean(floating.current?.contains(e.relatedTarget));
    if (!intoNames) setReason((r) => (r === "focus" ? null : r));
  }
  function onPointerDown() {
    pressing.current = true;
    preload();
  }
  // a press after a hover or a focus keeps them; a press on a press closes them
  function onClick() {
    pressing.current = false;
    clearTimeout(timer.current);
    setReason((r) => (r === "press" ? null : "press"));
  }

  const label = `Seen by ${readers.length}`;
  const shown = readers.slice(0, NAMES_SHOWN);
  return (
    <div className={styles.receipt} data-testid="read-receipt">
      <button
        type="button"
        ref={setButton}
        className={styles.receiptButton}
        aria-expanded={open}
        aria-describedby={open && loaded ? id : undefined}
        onPointerEnter={hoverIn}
        onPointerLeave={hoverOut}
        onPointerDown={onPointerDown}
        onFocus={onFocus}
        onBlur={onBlur}
        onClick={onClick}
      >
        {label}
      </button>
      {open && loaded && (
        <loaded.SeenByNames
          id={id}
          reference={button}
          label={label}
          shown={shown}
          more={readers.length - shown.length}
          onElement={onNames}
          onPointerEnter={hoverIn}
          onPointerLeave={hoverOut}
        />
      )}
    </div>
  );
}
