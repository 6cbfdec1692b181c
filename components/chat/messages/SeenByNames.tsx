"use client";

import { autoUpdate, flip, offset, shift, useFloating } from "@floating-ui/react-dom";
import { useCallback, type PointerEventHandler } from "react";
import { createPortal } from "react-dom";
import { PersonName } from "../PersonName";
import type { Reader } from "./ReadReceipt";
import styles from "./Messages.module.scss";

interface SeenByNamesProps {
  /** the tooltip's id (the button's aria-describedby) */
  id: string;
  /** the "Seen by N" button it belongs to */
  reference: HTMLElement | null;
  label: string;
  /** the names to list, in member order */
  shown: Reader[];
  /** how many more read it than are listed ("and N more") */
  more: number;
  /** told the tooltip's element (and null when it goes), so a press inside it is not a press elsewhere */
  onElement(el: HTMLDivElement | null): void;
  onPointerEnter: PointerEventHandler;
  onPointerLeave: PointerEventHandler;
}

/**
 * The names behind a group's "Seen by N" (./ReadReceipt.tsx, which decides when they show), each
 * bidi-isolated on its own. Placed in a portal by Floating UI (never clipped by the message list,
 * never changing its height): above the button's end, flipped below when there is no room, kept
 * 8 px inside the view, following scrolls and resizes. Loaded on first use, not with the page: the
 * positioning library is most of its weight (docs/web-performance.md).
 */
export function SeenByNames({ id, reference, label, shown, more, onElement, onPointerEnter, onPointerLeave }: SeenByNamesProps) {
  const { refs, floatingStyles } = useFloating({
    elements: { reference },
    placement: "top-end",
    middleware: [offset(6), flip({ padding: 8 }), shift({ padding: 8 })],
    whileElementsMounted: autoUpdate,
  });
  const setFloating = refs.setFloating;
  const ref = useCallback(
    (el: HTMLDivElement | null) => {
      setFloating(el);
      onElement(el);
    },
    [setFloating, onElement],
  );
  return createPortal(
    <div id={id} role="tooltip" ref={ref} style={floatingStyles} className={styles.receiptNames} data-testid="read-receipt-names" onPointerEnter={onPointerEnter} onPointerLeave={onPointerLeave}>
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
  );
}
