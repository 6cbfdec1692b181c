"use client";

import { useEffect, useState, type KeyboardEvent } from "react";
import type { EmojiEntry } from "@/lib/messages/emoji";
import { catalogue, loadCatalogue, typedShortcode } from "./shortcodes";

/** At most this many suggestions show. */
const SHOWN = 6;

/**
 * The composer's `:shortcode` suggestions for `text` with the caret at `caret`: what to show, the
 * highlighted one, a key handler (ArrowUp/ArrowDown move, Enter or Tab pick, Escape dismisses; it
 * returns true when it used the key) and `pick`, which calls `replace(start, end, emoji)`.
 */
export function useShortcodeSuggestions(text: string, caret: number, replace: (start: number, end: number, emoji: string) => void) {
  const [, setReady] = useState(catalogue() !== null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const typed = typedShortcode(text, caret);
  const key = typed ? `${typed.start}:${typed.query}` : null;

  useEffect(() => {
    if (typed && !catalogue()) void loadCatalogue().then(() => setReady(true));
    setActive(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const loaded = catalogue();
  const items: EmojiEntry[] = typed && loaded && dismissed !== key ? loaded.searchEmoji(typed.query, 50).filter((e) => e.shortcodes.length > 0).slice(0, SHOWN) : [];

  function pick(entry: EmojiEntry) {
    if (!typed) return;
    replace(typed.start, caret, entry.emoji);
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!items.length || e.nativeEvent.isComposing) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      setActive((a) => (a + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length);
    } else if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
      pick(items[Math.min(active, items.length - 1)]);
    } else if (e.key === "Escape") {
      setDismissed(key);
    } else return false;
    e.preventDefault();
    return true;
  }

  return { items, active: Math.min(active, Math.max(0, items.length - 1)), onKey, pick };
}
