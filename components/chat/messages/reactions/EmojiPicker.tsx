"use client";

/**
 * The emoji picker: a search box, "Frequently used" (this device's, ./frequent.ts) and one of
 * Unicode's categories at a time, chosen by the row of category buttons. Loaded only when first opened (AddReaction's dynamic import), with the catalogue
 * (lib/messages/emoji.ts), so neither weighs on the chat page's first load.
 *
 * Keyboard: focus starts in the search box; ArrowDown enters the grid; arrows move by cell and row;
 * Enter or Space picks; Escape closes and returns focus to the button that opened it. On a phone it
 * is a sheet along the bottom of the screen, full width.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";
import { EMOJI, EMOJI_GROUPS, emojiEntry, searchEmoji, type EmojiEntry } from "@/lib/messages/emoji";
import { frequentEmoji } from "./frequent";
import styles from "./Reactions.module.scss";

/** Cells per row (the arrow keys move by this much up and down). */
export const PICKER_COLUMNS = 8;
const PHONE = "(max-width: 899px)";

interface Section {
  key: string;
  title: string;
  entries: EmojiEntry[];
}

export interface EmojiPickerProps {
  /** the button that opened it: placed beside it, and focused again on close */
  anchor: HTMLElement | null;
  onPick(emoji: string): void;
  onClose(): void;
}

const CATEGORIES: Section[] = EMOJI_GROUPS.map((g, i) => ({ key: g.key, title: g.name, entries: EMOJI.filter((e) => e.group === i) }));

/** What the grid shows: the search's results, or "Frequently used" and one category (a few hundred buttons, not all ~1,900). */
function sectionsFor(query: string, category: number): Section[] {
  if (query.trim()) return [{ key: "results", title: "Search results", entries: searchEmoji(query, 120) }];
  const frequent = frequentEmoji().map((e) => emojiEntry(e) ?? { emoji: e, name: e, shortcodes: [], keywords: [], group: -1 });
  return [{ key: "frequent", title: "Frequently used", entries: frequent }, CATEGORIES[category]];
}

/** The picker itself, rendered into document.body. Default export: the lazy import's target. */
export default function EmojiPicker({ anchor, onPick, onClose }: EmojiPickerProps) {
  const [query, setQuery] = useState("");
  const [place, setPlace] = useState<{ top: number; left: number } | "sheet" | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const [category, setCategory] = useState(0);
  const sections = useMemo(() => sectionsFor(query, category), [query, category]);
  const found = sections.reduce((n, s) => n + s.entries.length, 0);

  useLayoutEffect(() => {
    if (window.matchMedia?.(PHONE).matches || !anchor) return setPlace("sheet");
    const box = root.current!.getBoundingClientRect();
    const at = anchor.getBoundingClientRect();
    const below = at.bottom + 4 + box.height <= window.innerHeight;
    const top = below ? at.bottom + 4 : Math.max(8, at.top - 4 - box.height);
    const left = Math.min(Math.max(8, at.right - box.width), window.innerWidth - box.width - 8);
    setPlace({ top, left });
  }, [anchor]);

  // focus once placed: it is hidden (and cannot take focus) until then
  const placed = place !== null;
  useEffect(() => {
    if (placed) search.current?.focus();
  }, [placed]);

  useEffect(() => {
    const outside = (e: PointerEvent) => {
      if (root.current?.contains(e.target as Node) || anchor?.contains(e.target as Node)) return;
      onClose();
    };
    document.addEventListener("pointerdown", outside);
    return () => {
      document.removeEventListener("pointerdown", outside);
      anchor?.focus();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const cells = () => [...(grid.current?.querySelectorAll<HTMLButtonElement>("button[data-emoji]") ?? [])];

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    const all = cells();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const inSearch = document.activeElement === search.current;
    if (inSearch && e.key === "ArrowDown" && all.length) {
      e.preventDefault();
      all[0].focus();
    } else if (inSearch && e.key === "Enter" && all.length && query.trim()) {
      e.preventDefault();
      onPick(all[0].dataset.emoji!);
    } else if (at >= 0) {
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: PICKER_COLUMNS, ArrowUp: -PICKER_COLUMNS, Home: -at, End: all.length - 1 - at }[e.key];
      if (step === undefined) return;
      e.preventDefault();
      const next = at + step;
      if (next < 0) search.current?.focus();
      else all[Math.min(next, all.length - 1)].focus();
    }
  }

  function show(index: number) {
    setCategory(index);
    if (grid.current) grid.current.scrollTop = 0;
  }

  const style = place && place !== "sheet" ? { top: place.top, left: place.left } : undefined;
  return createPortal(
    <div
      ref={root}
      className={styles.picker}
      data-sheet={place === "sheet" || undefined}
      data-placed={place !== null || undefined}
      style={style}
      role="dialog"
      aria-label="Choose a reaction"
      onKeyDown={onKey}
      data-testid="emoji-picker"
    >
      <input
        ref={search}
        className={styles.search}
        type="search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
      {!query.trim() && (
        <nav className={styles.tabs} aria-label="Emoji categories">
          {CATEGORIES.map((c, i) => (
            <button key={c.key} type="button" className={styles.tab} onClick={() => show(i)} title={c.title} aria-label={c.title} aria-pressed={i === category}>
              {c.entries[0]?.emoji}
            </button>
          ))}
        </nav>
      )}
      <div ref={grid} className={styles.grid}>
        {found === 0 && <p className={styles.none}>No emoji match “{query.trim()}”.</p>}
        {sections.map((s) => (
          <section key={s.key} aria-label={s.title} hidden={s.entries.length === 0}>
            <h3 className={styles.sectionTitle} data-section={s.key}>
              {s.title}
            </h3>
            <div className={styles.cells} role="group" aria-label={s.title}>
              {s.entries.map((e) => (
                <button
                  key={e.emoji}
                  type="button"
                  className={styles.cell}
                  data-emoji={e.emoji}
                  aria-label={e.name}
                  title={e.shortcodes.length ? `${e.name} :${e.shortcodes[0]}:` : e.name}
                  onClick={() => onPick(e.emoji)}
                >
                  {e.emoji}
                </button>
              ))}
            </div>
          </section>
        ))}
      </div>
    </div>,
    document.body,
  );
}
