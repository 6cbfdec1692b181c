"use client";

import { useEffect, useId, useMemo, useState, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import { Avatar } from "@/components/Avatar";
import { insertMention, matchCandidates, mentionQuery, type MentionCandidate } from "./mention-autocomplete";
import styles from "./MentionAutocomplete.module.scss";

/** Who the composer can name: the conversation's members, `@all` offered in groups. */
export interface Mentionable {
  meId: string;
  kind: "direct" | "group";
  members: MentionCandidate[];
}

interface Autocomplete {
  /**
   * spread on the textarea: which list it controls and which option is active. It keeps its own
   * role (a multi-line textbox): ARIA 1.2 allows `combobox` on an input only, and a textarea with it
   * fails axe's aria-allowed-role (Lighthouse accessibility 99).
   */
  inputProps: {
    "aria-autocomplete": "list";
    "aria-controls": string | undefined;
    "aria-activedescendant": string | undefined;
    onSelect(): void;
    onClick(): void;
  };
  /** the composer's keydown first goes here; true when the autocomplete took it */
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** the suggestion list (nothing while closed) */
  listbox: ReactNode;
}

/**
 * The `@` member autocomplete of a composer textarea (a listbox the textarea controls, focus staying
 * in the textarea, after WAI-ARIA APG "combobox with listbox popup" minus the role a textarea may not take). Typing `@` and letters lists the
 * members whose username or display name match (./mention-autocomplete.ts); ArrowUp/ArrowDown move,
 * Enter or Tab insert `@username `, Escape closes it for this name; a tap or click on a suggestion
 * inserts it too. `setText` gets the new text; the caret is put after the inserted name.
 */
export function useMentionAutocomplete(text: string, input: RefObject<HTMLTextAreaElement | null>, mentionable: Mentionable | undefined, setText: (text: string) => void): Autocomplete {
  const id = useId();
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const readCaret = () => setCaret(input.current?.selectionStart === input.current?.selectionEnd ? (input.current?.selectionStart ?? null) : null);

  // the caret moves with the text: read it after each change (the change event has already run)
  useEffect(readCaret, [text]); // eslint-disable-line react-hooks/exhaustive-deps

  const query = mentionable && caret !== null ? mentionQuery(text, caret) : null;
  const options = useMemo(
    () => (mentionable && query ? matchCandidates(mentionable.members, query.query, { meId: mentionable.meId, offerAll: mentionable.kind === "group" }) : []),
    [mentionable, query?.query], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const open = !!query && options.length > 0 && dismissedAt !== query.start;
  const current = open ? Math.min(active, options.length - 1) : -1;
  const optionId = (i: number) => `${id}-option-${i}`;

  useEffect(() => setActive(0), [query?.start, query?.query]);
  useEffect(() => {
    if (dismissedAt !== null && query?.start !== dismissedAt) setDismissedAt(null);
  }, [dismissedAt, query?.start]);

  function choose(c: MentionCandidate) {
    if (!query) return;
    const next = insertMention(text, query, c.username);
    setText(next.text);
    requestAnimationFrame(() => {
      const el = input.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
      setCaret(next.caret);
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || e.nativeEvent.isComposing) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((current + step + options.length) % options.length);
      return true;
    }
    if ((e.key === "Enter" && !e.shiftKey) || (e.key === "Tab" && !e.shiftKey)) {
      e.preventDefault();
      choose(options[current]);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setDismissedAt(query!.start);
      return true;
    }
    return false;
  }

  const listbox = open ? (
    <ul id={`${id}-listbox`} role="listbox" aria-label="People to mention" className={styles.listbox} data-testid="mention-suggestions">
      {options.map((c, i) => (
        <li
          key={c.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === current}
          aria-label={`${c.displayName} @${c.username}`}
          className={styles.option}
          // keeps the focus (and a phone's keyboard) in the textarea
          onPointerDown={(e) => e.preventDefault()}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => choose(c)}
        >
          <Avatar user={c} size={24} />
          <span className={styles.name}>
            <bdi>{c.displayName}</bdi>
          </span>
          <span className={styles.handle}>@{c.username}</span>
        </li>
      ))}
    </ul>
  ) : null;

  return {
    inputProps: {
      "aria-autocomplete": "list",
      "aria-controls": open ? `${id}-listbox` : undefined,
      "aria-activedescendant": open ? optionId(current) : undefined,
      onSelect: readCaret,
      onClick: readCaret,
    },
    onKeyDown,
    listbox,
  };
}
