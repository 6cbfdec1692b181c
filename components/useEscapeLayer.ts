"use client";

import { useEffect, useRef } from "react";

/**
 * What is open above the page and closes on Escape: dialogs, and steps inside them that ask for a
 * confirmation. The newest is last; Escape closes only it, wherever the focus is — in it, on the
 * page's body after a button inside was pressed and vanished (or was disabled), or anywhere else.
 */
interface Layer {
  /** what Escape does: close the dialog, cancel the step */
  escape(): void;
  /** true for a dialog (nothing behind it answers keys); false for a step inside one */
  modal: boolean;
}

const layers: Layer[] = [];

function onKeyDown(e: KeyboardEvent) {
  // a field that handles Escape itself (the edit box of a message, an IME that is composing) keeps it
  if (e.key !== "Escape" || e.defaultPrevented || e.isComposing) return;
  const top = layers[layers.length - 1];
  if (!top) return;
  e.preventDefault();
  e.stopPropagation();
  top.escape();
}

/** Whether a dialog is open: page-wide shortcuts (Alt+↑/↓) then stay quiet. */
export function dialogOpen(): boolean {
  return layers.some((l) => l.modal);
}

/** Whether `escape` is the newest layer's (a dialog keeps Tab inside itself only while it is on top). */
function isTop(layer: Layer): boolean {
  return layers[layers.length - 1] === layer;
}

/**
 * While `open`, makes Escape call `onEscape` — anywhere on the page, for the newest open layer only.
 * `modal` marks a dialog (see `dialogOpen`). Returns a function telling whether this layer is the
 * newest one. One document listener serves every layer.
 */
export function useEscapeLayer(open: boolean, onEscape: () => void, modal = false): () => boolean {
  const handler = useRef(onEscape);
  handler.current = onEscape;
  const layer = useRef<Layer | null>(null);

  useEffect(() => {
    if (!open) return;
    const mine: Layer = { escape: () => handler.current(), modal };
    layer.current = mine;
    if (layers.length === 0) document.addEventListener("keydown", onKeyDown);
    layers.push(mine);
    return () => {
      layers.splice(layers.indexOf(mine), 1);
      if (layers.length === 0) document.removeEventListener("keydown", onKeyDown);
      layer.current = null;
    };
  }, [open, modal]);

  return () => layer.current !== null && isTop(layer.current);
}
