"use client";

import type { EmojiEntry } from "@/lib/messages/emoji";
import styles from "./Shortcodes.module.scss";

/** The composer's `:shortcode` suggestions, above the field (a listbox the textarea controls; see ./shortcodes.ts). */
export function ShortcodeList({ items, active, onPick }: { items: EmojiEntry[]; active: number; onPick(entry: EmojiEntry): void }) {
  return (
    <ul id="composer-emoji" className={styles.list} role="listbox" aria-label="Emoji suggestions" data-testid="emoji-suggestions">
      {items.map((e, i) => (
        <li
          key={e.emoji}
          id={`composer-emoji-${i}`}
          role="option"
          aria-selected={i === active}
          className={styles.item}
          // mousedown, not click: the textarea keeps its focus and caret
          onMouseDown={(ev) => {
            ev.preventDefault();
            onPick(e);
          }}
        >
          <span className={styles.emoji}>{e.emoji}</span>
          <span className={styles.code}>:{e.shortcodes[0]}:</span>
        </li>
      ))}
    </ul>
  );
}
