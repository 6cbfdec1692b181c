"use client";

import { autoUpdate, flip, FloatingPortal, offset, safePolygon, shift, useClick, useDismiss, useFloating, useFocus, useHover, useInteractions, useRole } from "@floating-ui/react";
import { memo, useState } from "react";
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
 * (each bidi-isolated on its own) show in a tooltip on hover or keyboard focus, and as a popover on
 * a tap or a click (the first NAMES_SHOWN, in member order; "and N more" for the rest); Escape or a
 * press elsewhere closes it. Floating UI places it in a portal (never
 * clipped by the message list, never changing its height) and flips it below when there is no
 * room above.
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

function SeenBy({ readers }: { readers: Reader[] }) {
  const [open, setOpen] = useState(false);
  const { refs, floatingStyles, context } = useFloating({
    open,
    onOpenChange: setOpen,
    placement: "top-end",
    middleware: [offset(6), flip({ padding: 8 }), shift({ padding: 8 })],
    whileElementsMounted: autoUpdate,
  });
  const { getReferenceProps, getFloatingProps } = useInteractions([
    // a mouse hovering shows the names (and may move onto them); a touch does not hover
    useHover(context, { mouseOnly: true, delay: { open: 150, close: 0 }, handleClose: safePolygon() }),
    // keyboard focus shows them; a tap's or a click's focus is left to useClick
    useFocus(context, { visibleOnly: true }),
    useClick(context),
    useDismiss(context),
    useRole(context, { role: "tooltip" }),
  ]);
  const label = `Seen by ${readers.length}`;
  const shown = readers.slice(0, NAMES_SHOWN);
  const more = readers.length - shown.length;
  return (
    <div className={styles.receipt} data-testid="read-receipt">
      <button type="button" ref={refs.setReference} className={styles.receiptButton} aria-expanded={open} {...getReferenceProps()}>
        {label}
      </button>
      {open && (
        <FloatingPortal>
          <div ref={refs.setFloating} style={floatingStyles} className={styles.receiptNames} data-testid="read-receipt-names" {...getFloatingProps()}>
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
          </div>
        </FloatingPortal>
      )}
    </div>
  );
}
