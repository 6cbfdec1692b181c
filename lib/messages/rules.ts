/**
 * Message rules (browser-safe, zod-free: the composer and the renderer read a body as the server
 * does, and ./schemas builds the server's schemas on them).
 *
 * A body, DESIGN.md Text rules: at most MESSAGE_MAX code points once trimmed, not empty, something
 * visible, no tower of combining marks (`checkMessageBody`).
 *
 * Mentions, DESIGN.md, "Contract additions": `@username` in any letter case names a member; `@all` and its
 * alias `@here` name everyone; nothing inside inline code or a code block is a mention. Code is
 * recognised as CommonMark does: fenced blocks (``` or ~~~, at least three, closed by a fence as
 * long), indented blocks (four spaces or a tab after a blank line or at the start) and inline code
 * spans (a backtick run closed by a run of the same length).
 */
import { checkTrimmed, markTowerProblem, type TextCheck, type TrimmedRule } from "../platform/field-checks";
import { hasVisibleText } from "../platform/text";
import { USERNAME } from "../people/rules";

/** The longest message, in code points (after trimming). */
export const MESSAGE_MAX = 4000;
/** A history page: this many messages by default, at most `max`. */
export const HISTORY_PAGE = { default: 50, max: 100 } as const;
/** A sync page: at most this many changes per conversation in one answer. */
export const SYNC_PAGE = 500;

/** The refusal of a message without text (and, for a send or an edit, without files). */
export const EMPTY_MESSAGE = "A message cannot be empty";

/**
 * A message body as the server takes it (./schemas `messageBodySchema` is this check): the body as
 * stored (trimmed), or the first refusal, worded as the server words it. The composer and the edit
 * box run it before sending, for an immediate, precise message.
 */
export function checkMessageBody(body: string): TextCheck {
  return checkTrimmed(body, MESSAGE_BODY);
}

/** How a message body is checked: one record for every send (not a record and a closure each). */
const MESSAGE_BODY: TrimmedRule = {
  what: "Message",
  sentMax: MESSAGE_MAX * 4,
  required: EMPTY_MESSAGE,
  max: MESSAGE_MAX,
  tooLong: `A message may be at most ${MESSAGE_MAX} characters`,
  problem: messageBodyProblem,
};

/** A trimmed body's own refusal: only invisible characters (U+200B, U+3164, U+2800 …) would show as an empty bubble. */
function messageBodyProblem(value: string): string | null {
  return hasVisibleText(value) ? markTowerProblem(value, "A message") : "A message needs some visible text";
}

/**
 * A sent message's body: `checkMessageBody`, except that a message carrying files may have no text
 * (DESIGN.md, `message:send`): then only whitespace counts as none, stored as "".
 */
export function checkSentBody(body: string, withFiles: boolean): TextCheck {
  if (withFiles && typeof body === "string" && body.trim() === "") return { success: true, data: "" };
  return checkMessageBody(body);
}

/** Pinned messages a conversation may hold at once (DESIGN.md: the next pin is 409 `conflict`). */
export const PIN_MAX = 50;

/** What `mentions` holds when a message names everyone. */
export const MENTION_ALL = "all";

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const NAME = new RegExp(`(^|[^A-Za-z0-9_@./\\\\])@([A-Za-z0-9_]{1,${USERNAME.max}})(?![A-Za-z0-9_])`, "g");

/**
 * A mention in text with code blanked (`blankCode`): group 1 what precedes the "@" (start of text
 * or a character that cannot be part of a word, an address or a path), group 2 the name. Global:
 * use with `matchAll`. The highlighting in the browser reads bodies with it, as mentionNames does.
 */
export const MENTION_PATTERN: RegExp = NAME;

/** `body` with everything inside code blanked to spaces (lengths kept, so offsets still match). */
export function blankCode(body: string): string {
  const lines = body.split("\n");
  let fence: string | null = null;
  let previousBlank = true;
  const out = lines.map((line) => {
    if (fence) {
      if (line.trimStart().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") fence = null;
      return " ".repeat(line.length);
    }
    const opened = FENCE.exec(line);
    if (opened) {
      fence = opened[1];
      return " ".repeat(line.length);
    }
    const blank = line.trim() === "";
    if (previousBlank && !blank && /^( {4}|\t)/.test(line)) return " ".repeat(line.length); // stays previousBlank-led
    previousBlank = blank;
    return line;
  });
  return blankSpans(out.join("\n"));
}

/** Inline code spans blanked: a run of n backticks up to the next run of exactly n (linear: runs indexed by length). */
function blankSpans(text: string): string {
  const runs: { at: number; n: number }[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] !== "`") {
      i++;
      continue;
    }
    let n = 0;
    while (text[i + n] === "`") n++;
    runs.push({ at: i, n });
    i += n;
  }
  const byLength = new Map<number, number[]>(); // length → indexes into runs, ascending
  runs.forEach((r, k) => {
    const list = byLength.get(r.n);
    if (list) list.push(k);
    else byLength.set(r.n, [k]);
  });
  const cursor = new Map<number, number>();
  let out = "";
  let copied = 0;
  for (let k = 0; k < runs.length; k++) {
    const { at, n } = runs[k];
    if (at < copied) continue; // inside a span already blanked
    const same = byLength.get(n)!;
    let c = cursor.get(n) ?? 0;
    while (c < same.length && same[c] <= k) c++;
    cursor.set(n, c);
    if (c >= same.length) continue; // no closer: literal backticks
    const close = runs[same[c]];
    out += text.slice(copied, at) + " ".repeat(close.at + n - at);
    copied = close.at + n;
  }
  return out + text.slice(copied);
}

/**
 * The names mentioned in `body`, lowercased and each once, in order of first use; "all" for `@all`
 * or `@here`. Which of them are members is the server's to say (lib/messages/writer.ts, edit.ts).
 */
export function mentionNames(body: string): string[] {
  const names = new Set<string>();
  for (const m of blankCode(body).matchAll(NAME)) {
    const name = m[2].toLowerCase();
    names.add(name === "here" ? MENTION_ALL : name);
  }
  return [...names];
}

/**
 * What the server will store as `mentions` for `body`, as far as the sender's page can tell from
 * `members` (the conversation's, by username): the ids of the members named, then MENTION_ALL when
 * `@all` or `@here` is there. Shown on a message while it waits for its ack (the server's answer
 * replaces it: lib/messages/mentioned.ts resolves against the members at the time it stores).
 */
export function expectedMentions(body: string, members: readonly { id: string; username: string }[]): string[] {
  const names = mentionNames(body);
  if (!names.length) return [];
  const byName = new Map(members.map((m) => [m.username.toLowerCase(), m.id]));
  const ids = names.flatMap((n) => (n === MENTION_ALL ? [] : (byName.get(n) ?? [])));
  return names.includes(MENTION_ALL) ? [...ids, MENTION_ALL] : ids;
}

/** At most this many distinct emoji on one message (DESIGN.md); the next distinct one is refused with `conflict`. */
export const REACTIONS_MAX = 20;

/** A `:shortcode:` as typed: letters, digits, `_`, `+`, `-` between colons (the catalogue says which exist). */
export const SHORTCODE = /^:[a-z0-9_+-]{1,64}:$/i;

// The `v` flag's \p{RGI_Emoji} (ES2024) matches exactly the fully-qualified emoji Unicode recommends
// for general interchange, sequences (flags, keycaps, ZWJ families, skin tones) included. Built at
// run time (the TypeScript target predates the flag) and on first use, not at module load: this
// file is in the chat page's bundle, and a browser without the flag (Safari < 17, Chrome < 112,
// Firefox < 116) threw a SyntaxError there that stopped the page. Without it the browser accepts
// and the server (Node 20 has the flag) decides.
// RGI_Emoji also lists the components that only modify another emoji (skin tones 🏻–🏿, hair 🦰–🦳)
// as emoji of their own; UTS #51 calls them Emoji_Component and the picker leaves them out.
let rgiEmoji: { emoji: RegExp; component: RegExp } | null | undefined;
function rgiEmojiPattern(): { emoji: RegExp; component: RegExp } | null {
  if (rgiEmoji === undefined) {
    try {
      rgiEmoji = { emoji: new RegExp("^\\p{RGI_Emoji}$", "v"), component: new RegExp("^\\p{Emoji_Component}$", "u") };
    } catch {
      rgiEmoji = null;
    }
  }
  return rgiEmoji;
}

/**
 * Whether `text` is one emoji a reaction may be: a single grapheme cluster that is an RGI emoji in
 * its fully-qualified form ("❤️", not a bare "❤"), and not a component standing alone (a skin tone
 * or hair modifier: "🏽" is part of "👍🏽", not a reaction). Text, several emoji, controls and
 * partial sequences are not (Unicode UTS #51, RGI_Emoji and Emoji_Component).
 */
export function isReactionEmoji(text: string): boolean {
  const pattern = rgiEmojiPattern();
  return text.length <= 64 && (pattern ? pattern.emoji.test(text) && !pattern.component.test(text) : text.length > 0);
}
