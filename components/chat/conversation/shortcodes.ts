/**
 * `:shortcode:` in the composer (docs/chat-ui.md): typing `:` and two more characters offers the
 * matching emoji; picking one, or typing the closing `:` of a known shortcode, puts the emoji in its
 * place; on send every complete known `:shortcode:` left becomes its emoji. Never inside code
 * (lib/messages/rules.ts blankCode), and an unknown `:word:` stays as typed. Pure, apart from the
 * catalogue, which is loaded on first need by import() (lib/messages/emoji.ts: not in the first load).
 */
import { blankCode } from "@/lib/messages/rules";

export type Catalogue = typeof import("@/lib/messages/emoji");

let loaded: Catalogue | null = null;
let loading: Promise<Catalogue> | null = null;

/** The catalogue once loaded, else null. */
export const catalogue = (): Catalogue | null => loaded;

/** Loads the catalogue (once). */
export function loadCatalogue(): Promise<Catalogue> {
  loading ??= import("@/lib/messages/emoji").then((m) => (loaded = m));
  return loading;
}

/** A shortcode being typed just before the caret: `:` (after a space, a bracket or the start) and 2+ code characters. */
const TYPING = /(^|[\s([{])(:[a-z0-9_+-]{2,64})$/i;
/** A complete shortcode, anywhere. */
const COMPLETE = /:([a-z0-9_+-]{1,64}):/gi;

/** Where a shortcode is being typed before `caret`, outside code: its start index and the text after the colon; null when none. */
export function typedShortcode(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = TYPING.exec(before);
  if (!m) return null;
  const start = m.index + m[1].length;
  if (blankCode(before)[start] !== ":") return null; // inside code
  return { start, query: m[2].slice(1) };
}

/** `text` with every complete known `:shortcode:` outside code replaced by its emoji (the catalogue's `emojiForShortcode`). */
export function expandShortcodes(text: string, emojiFor: (code: string) => string | null): string {
  const visible = blankCode(text);
  let out = "";
  let copied = 0;
  for (const m of visible.matchAll(COMPLETE)) {
    const emoji = emojiFor(m[1]);
    if (!emoji) continue;
    out += text.slice(copied, m.index) + emoji;
    copied = m.index! + m[0].length;
  }
  return out + text.slice(copied);
}

/** Whether `text` holds something that looks like a complete shortcode outside code (the catalogue is needed to send it). */
export const mayHoldShortcode = (text: string): boolean => /:[a-z0-9_+-]{1,64}:/i.test(blankCode(text));

const CLOSED = /(^|[\s([{])(:([a-z0-9_+-]{1,64}):)$/i;

/** The closing `:` of a known shortcode was just typed at `caret` (outside code): the text with its emoji instead, and where the caret goes; else null. */
export function closedShortcode(text: string, caret: number, emojiFor: (code: string) => string | null): { text: string; caret: number } | null {
  const before = text.slice(0, caret);
  const m = CLOSED.exec(before);
  if (!m) return null;
  const start = m.index + m[1].length;
  if (blankCode(before)[start] !== ":") return null;
  const emoji = emojiFor(m[3]);
  if (!emoji) return null;
  return { text: text.slice(0, start) + emoji + text.slice(caret), caret: start + emoji.length };
}
