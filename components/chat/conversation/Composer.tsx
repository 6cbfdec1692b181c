"use client";

import { Suspense, lazy, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent, type Ref } from "react";
import { textLength } from "@/lib/platform/text-length";
import { checkSentBody, MESSAGE_MAX } from "@/lib/messages/rules";
import type { AttachmentView } from "@/lib/messages/types";
import { onFilesDropped } from "./file-drop";
import { useUploads } from "./useUploads";
import { catalogue, closedShortcode, expandShortcodes, loadCatalogue, mayHoldShortcode } from "./shortcodes";
import { useShortcodeSuggestions } from "./useShortcodeSuggestions";
import styles from "./Composer.module.scss";
import { lazyDialog } from "../LazyDialog";
import { needsAllConfirmation } from "./mention-autocomplete";
import { useMentionAutocomplete, type Mentionable } from "./MentionAutocomplete";

// the :shortcode: suggestions show only once one is typed (their catalogue loads then too)
const ShortcodeList = lazy(() => import("./ShortcodeList").then((m) => ({ default: m.ShortcodeList })));

// the files' chips show once a file is added (the chat page's first-load budget)
const ComposerFiles = lazy(() => import("./ComposerFiles").then((m) => ({ default: m.ComposerFiles })));

const ConfirmAllDialog = lazyDialog(() => import("./ConfirmAllDialog").then((m) => m.ConfirmAllDialog));

/** The remaining-characters counter appears from this many characters left. */
export const COUNTER_FROM = 200;
const MAX_HEIGHT_PX = 200;

const count = (n: number) => `${n.toLocaleString("en")} character${n === 1 ? "" : "s"}`;

interface ComposerProps {
  /** starting text (the conversation's draft) */
  initialDraft?: string;
  placeholder?: string;
  /** a message to send: its text (may be "" when files come with it) and the files uploaded for it */
  onSend(body: string, attachments: AttachmentView[]): void;
  /** the conversation, for files dropped anywhere on it (./file-drop.ts) */
  conversationId?: string;
  onDraftChange?(text: string): void;
  /** called on every keystroke with text; the caller throttles */
  onTyping?(typing: boolean): void;
  /** who `@` suggests (./MentionAutocomplete.tsx); a message naming `@all` in a big group asks first */
  mentionable?: Mentionable;
  /**
   * Up in the empty composer: open the edit box of one's last message; true when there was one
   * (the key is then taken), false to leave the key alone.
   */
  onEditLast?(): boolean;
  /** the text field, for whoever moves the focus to it (a conversation opened, Escape from the messages) */
  inputRef?: Ref<HTMLTextAreaElement | null>;
}

/**
 * Grows with its text, Enter sends, Shift+Enter breaks the line, Up when empty edits one's last
 * message (`onEditLast`), counts down near the limit. Enter
 * on nothing does nothing; a refusal (over the limit, a tower of combining marks) floats above the
 * field, so neither moves the conversation.
 * Counts like the server (lib/platform/text-length.ts `textLength`: code points of the trimmed text, so an
 * emoji is one character) and checks the body with the server's own rule (lib/messages/rules.ts `checkMessageBody`) before sending.
 */
export function Composer({ initialDraft = "", placeholder = "Write a message", onSend, onDraftChange, onTyping, mentionable, onEditLast, inputRef, conversationId }: ComposerProps) {
  const [text, setText] = useState(initialDraft);
  const uploads = useUploads();
  const picker = useRef<HTMLInputElement>(null);
  const addFiles = uploads.add;
  useEffect(() => (conversationId ? onFilesDropped(conversationId, addFiles) : undefined), [conversationId, addFiles]);
  const [refusal, setRefusal] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle<HTMLTextAreaElement | null, HTMLTextAreaElement | null>(inputRef, () => input.current, []);
  const length = textLength(text.trim());
  const remaining = MESSAGE_MAX - length;
  const mention = useMentionAutocomplete(text, input, mentionable, (next) => update(next));
  // a body naming everyone in a big group, waiting for "Send and notify everyone"
  const [confirming, setConfirming] = useState<string | null>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    // the question answered either way: back to the composer (whichever control opened it)
    if (confirming === null && wasConfirming.current) input.current?.focus();
    wasConfirming.current = confirming !== null;
  }, [confirming]);
  const [caret, setCaret] = useState(initialDraft.length);
  // a draft that comes later (this device's, read once the page is hydrated) fills the field if
  // nothing was typed meanwhile; typed text is never replaced
  const [draftShown, setDraftShown] = useState(initialDraft);
  if (initialDraft !== draftShown) {
    setDraftShown(initialDraft);
    if (text === "" && initialDraft !== "") {
      setText(initialDraft);
      setCaret(initialDraft.length);
    }
  }
  // where the caret goes once a replaced text is committed (set in the layout effect below, before any next keystroke)
  const caretAfter = useRef<number | null>(null);
  // `:shortcode` suggestions; a picked one replaces what was typed and the caret goes after it
  const shortcodes = useShortcodeSuggestions(text, caret, (start, end, emoji) => {
    update(text.slice(0, start) + emoji + text.slice(end));
    caretAfter.current = start + emoji.length;
    setCaret(caretAfter.current);
  });

  // text typed into the server's field before the page hydrated is kept, not dropped
  useLayoutEffect(() => {
    const typed = input.current?.value ?? "";
    if (typed !== "" && typed !== text) update(typed);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  useLayoutEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
    el.style.overflowY = el.scrollHeight > MAX_HEIGHT_PX ? "auto" : "hidden";
    if (caretAfter.current !== null) el.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = null;
  }, [text]);

  function update(next: string) {
    setText(next);
    setRefusal(null);
    onDraftChange?.(next);
    onTyping?.(next.trim().length > 0);
  }

  function submit(e?: FormEvent) {
    e?.preventDefault();
    // nothing to send: nothing happens, as in every chat app (the Send button is disabled too)
    if (!text.trim() && !uploads.ready) return;
    if (uploads.uploading) return setRefusal("Wait until your files have uploaded.");
    // complete `:shortcode:`s go out as their emoji (the catalogue loads first if it is not yet here)
    if (mayHoldShortcode(text) && !catalogue()) return void loadCatalogue().then(() => submit());
    const loaded = catalogue();
    const parsed = checkSentBody(loaded ? expandShortcodes(text, loaded.emojiForShortcode) : text, uploads.ready);
    if (!parsed.success) {
      setRefusal(parsed.message);
      return;
    }
    if (mentionable && needsAllConfirmation(parsed.data, mentionable.kind, mentionable.members.length)) return setConfirming(parsed.data);
    onSend(parsed.data, uploads.take());
    update("");
    input.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (mention.onKeyDown(e)) return;
    if (shortcodes.onKey(e)) return;
    if (e.nativeEvent.isComposing) return;
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      submit();
    } else if (e.key === "ArrowUp" && text === "" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && onEditLast?.()) {
      // only when empty: with text, Up moves the caret as in any field
      e.preventDefault();
    }
  }

  const describedBy = [remaining <= COUNTER_FROM && "composer-counter", (refusal ?? uploads.refusal) && "composer-refusal"].filter(Boolean).join(" ") || undefined;

  return (
    <form className={styles.composer} onSubmit={submit} aria-label="Send a message">
      {uploads.files.length > 0 && (
        <Suspense fallback={null}>
          <ComposerFiles files={uploads.files} onRemove={uploads.remove} />
        </Suspense>
      )}
      <button type="button" className={styles.attach} onClick={() => picker.current?.click()} aria-label="Attach files" title="Attach files (or drop or paste them)">
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
        </svg>
      </button>
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="composer-file-input"
        onChange={(e) => {
          uploads.add([...(e.target.files ?? [])]);
          e.target.value = "";
          input.current?.focus();
        }}
      />
      <div className={styles.field} data-over={remaining < 0 || undefined}>
        <label htmlFor="composer-input" className="visually-hidden">
          Message
        </label>
        <textarea
          ref={input}
          id="composer-input"
          className={styles.input}
          value={text}
          rows={1}
          placeholder={placeholder}
          {...mention.inputProps}
          onChange={(e) => {
            const loaded = catalogue();
            const closed = loaded && closedShortcode(e.target.value, e.target.selectionStart, loaded.emojiForShortcode);
            update(closed ? closed.text : e.target.value);
            setCaret(closed ? closed.caret : e.target.selectionStart);
            if (closed) caretAfter.current = closed.caret;
          }}
          onSelect={() => {
            mention.inputProps.onSelect();
            setCaret(input.current?.selectionStart ?? 0);
          }}
          // one list at a time: the :shortcode: suggestions when open, else the @ member list
          aria-controls={shortcodes.items.length ? "composer-emoji" : mention.inputProps["aria-controls"]}
          aria-activedescendant={shortcodes.items.length ? `composer-emoji-${shortcodes.active}` : mention.inputProps["aria-activedescendant"]}
          onKeyDown={onKeyDown}
          onBlur={() => onTyping?.(false)}
          onPaste={(e) => {
            // a pasted image (a screenshot) is attached; text on the clipboard beside it still pastes
            const files = [...e.clipboardData.files];
            if (!files.length) return;
            if (!e.clipboardData.types.includes("text/plain")) e.preventDefault();
            uploads.add(files);
          }}
          aria-describedby={describedBy}
          aria-invalid={remaining < 0 || undefined}
          enterKeyHint="send"
        />
        {mention.listbox}
        {remaining <= COUNTER_FROM && (
          <span id="composer-counter" className={styles.counter} data-over={remaining < 0 || undefined} aria-live="polite">
            {remaining >= 0 ? `${count(remaining)} left` : `${count(-remaining)} over the limit`}
          </span>
        )}
      </div>
      <button type="submit" className={styles.send} aria-label="Send" title="Send (Enter)" disabled={(length === 0 && !uploads.ready) || remaining < 0 || uploads.uploading}>
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z" />
        </svg>
      </button>
      {shortcodes.items.length > 0 && (
        <Suspense fallback={null}>
          <ShortcodeList items={shortcodes.items} active={shortcodes.active} onPick={shortcodes.pick} />
        </Suspense>
      )}
      {(refusal ?? uploads.refusal) && (
        <p id="composer-refusal" className={styles.refusal} role="alert">
          {refusal ?? uploads.refusal}
        </p>
      )}
      {confirming !== null && (
        <ConfirmAllDialog
          memberCount={mentionable?.members.length ?? 0}
          onClose={() => setConfirming(null)}
          onSend={() => {
            onSend(confirming, uploads.take());
            setConfirming(null);
            update("");
          }}
        />
      )}
    </form>
  );
}
