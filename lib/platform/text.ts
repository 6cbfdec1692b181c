/**
 * Text rules for what people type, shared by the server (zod schemas in ./validation) and the
 * browser (forms, name labels). Browser-safe: no Node APIs, no React.
 *
 * Source: DESIGN.md "Text rules (all inputs, every transport)"; Unicode UAX #9 (the bidirectional
 * algorithm: which characters are explicit direction controls) and UTS #39 (security mechanisms:
 * default-ignorable and blank-looking characters, confusable letters).
 */

import { longestMarkRun, markTowerMessage, MAX_MARK_RUN } from "./text-length";

/**
 * Direction controls, UAX #9 §2: the explicit embeddings and overrides (U+202A–U+202E) and isolates
 * (U+2066–U+2069), and the implicit marks LRM U+200E, RLM U+200F and ALM U+061C, which are invisible
 * strong characters that change how the punctuation and digits next to them are ordered.
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/**
 * Control characters, general category Cc (C0, DEL and C1 with U+0085 NEXT LINE), and the line and
 * paragraph separators U+2028 (Zl) and U+2029 (Zp): line breaks by another name, and a paragraph
 * separator also ends every bidi isolate and embedding (UAX #9 rule X8), so the text after it escapes
 * the `<bdi>` it was shown in.
 */
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/**
 * Characters no font is expected to show as themselves: private use (Co, meaning only by private
 * agreement), unassigned code points (Cn, which includes the 66 noncharacters such as U+FFFF and
 * U+1FFFE), and the interlinear annotation characters U+FFF9–U+FFFB, which mark part of the text as a
 * hidden annotation. Cn is judged by the JavaScript engine's Unicode version (Node 20 here; browsers
 * vary), so a code point assigned after that version is refused until the engine knows it.
 */
const UNDISPLAYABLE = /[\p{Co}\p{Cn}\uFFF9-\uFFFB]/u;

/** Combining marks (Mn, Mc, Me): they sit on the character before them and show nothing alone. */
const MARK = /\p{M}/gu;

/**
 * Characters that show nothing on their own (DESIGN Text rules: categories Cc, Cf, Zl, Zp; UTS #39's
 * default-ignorable code points, which adds variation selectors and the combining grapheme joiner;
 * and the blank-looking letters UTS #39 singles out: U+2800 BRAILLE PATTERN BLANK, U+3164 HANGUL
 * FILLER, U+115F/U+1160 HANGUL CHOSEONG/JUNGSEONG FILLER, U+FFA0 HALFWIDTH HANGUL FILLER).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u2800\u3164\u115F\u1160\uFFA0]/gu;
/** The blank-looking letters above: they read as a space between words. */
const BLANK_LETTER = /[\u2800\u3164\u115F\u1160\uFFA0]/gu;
const WHITE_SPACE = /\p{White_Space}+/gu;
/** A lone surrogate: with the `u` flag a well-paired surrogate is one astral code point, never Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * True when `s` is well-formed UTF-16 (no lone surrogate such as "\ud83d" alone), so it can be
 * encoded as UTF-8 and stored as it was sent. DESIGN Text rules, first bullet.
 * Uses String.prototype.isWellFormed (ES2024) where the runtime has it.
 */
export function isWellFormed(s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === "function" ? native.call(s) : !LONE_SURROGATE.test(s);
}

/**
 * True when `s` holds a control character (Unicode category Cc, U+0085 included) or a line or
 * paragraph separator (U+2028, U+2029): anything that breaks a name across lines.
 */
export function hasControlCharacter(s: string): boolean {
  return CONTROL.test(s);
}

/**
 * True when `s` holds a bidi control (UAX #9): an explicit one (U+202A–U+202E, U+2066–U+2069) or
 * an implicit direction mark (LRM U+200E, RLM U+200F, ALM U+061C).
 */
export function hasBidiControl(s: string): boolean {
  return BIDI_CONTROL.test(s);
}

/**
 * True when `s` holds a character that cannot be shown as itself: private use (Co), unassigned or
 * a noncharacter (Cn), or an interlinear annotation character (U+FFF9–U+FFFB).
 * `hasUndisplayableCharacter("\uE000") === true`, `hasUndisplayableCharacter("Zoë 👩‍💻") === false`.
 */
export function hasUndisplayableCharacter(s: string): boolean {
  return UNDISPLAYABLE.test(s);
}

/**
 * True when something remains of `s` after removing whitespace, invisible characters and combining
 * marks: a name of marks alone ("\u0301\u0301") has nothing to carry them, so it shows nothing.
 */
export function hasVisibleText(s: string): boolean {
  return s.replace(WHITE_SPACE, "").replace(INVISIBLE, "").replace(MARK, "").length > 0;
}

/**
 * Letters that render like a Latin letter in common fonts, each mapped to that (lowercase) Latin
 * letter: a hand-picked subset of Unicode UTS #39 confusables.txt (https://www.unicode.org/Public/security/latest/confusables.txt),
 * limited to single letters that look like a single Latin letter. Not the full table, so not a full
 * UTS #39 skeleton. Used only to compare names, never to change what is stored.
 */
const LOOK_ALIKES: Record<string, string> = {
  // Latin small capitals and IPA letters
  ᴀ: "a", ʙ: "b", ᴄ: "c", ᴅ: "d", ᴇ: "e", ꜰ: "f", ɢ: "g", ʜ: "h", ɪ: "i", ᴊ: "j", ᴋ: "k", ʟ: "l", ᴍ: "m",
  ɴ: "n", ᴏ: "o", ᴘ: "p", ꞯ: "q", ʀ: "r", ꜱ: "s", ᴛ: "t", ᴜ: "u", ᴠ: "v", ᴡ: "w", ʏ: "y", ᴢ: "z",
  ɑ: "a", ɡ: "g", ı: "i", ȷ: "j", ɩ: "i", ǀ: "l",
  // Cyrillic
  а: "a", в: "b", г: "r", е: "e", ё: "e", һ: "h", і: "i", ї: "i", ј: "j", к: "k", м: "m", н: "h", о: "o", р: "p",
  с: "c", ѕ: "s", т: "t", у: "y", ү: "y", х: "x", ԁ: "d", ԛ: "q", ԝ: "w", ӏ: "l", ѵ: "v",
  А: "a", В: "b", Е: "e", Н: "h", І: "i", Ј: "j", К: "k", М: "m", О: "o", Р: "p", С: "c", Ѕ: "s", Т: "t",
  У: "y", Ү: "y", Х: "x", Ԁ: "d", Ԛ: "q", Ԝ: "w", Ӏ: "l", Ѵ: "v",
  // Greek (capitals mapped before case folding: Υ reads Y and Ν reads N, though υ and ν read u and v)
  α: "a", β: "b", ε: "e", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ϲ: "c", ϳ: "j",
  Α: "a", Β: "b", Ε: "e", Ζ: "z", Η: "h", Ι: "i", Κ: "k", Μ: "m", Ν: "n", Ο: "o", Ρ: "p", Τ: "t", Υ: "y",
  Χ: "x", Ϲ: "c", Ϳ: "j",
  // Armenian
  Օ: "o", օ: "o", Ս: "u", ս: "u", Տ: "s", Լ: "l", լ: "l", ց: "g", հ: "h", ո: "n", ռ: "n", զ: "q",
};
/** Cherokee capitals; their lowercase forms (U+AB70–U+ABBF, small-capital shapes of the same letters) are added below. */
const CHEROKEE_LOOK_ALIKES: Record<string, string> = {
  Ꭰ: "d", Ꭱ: "r", Ꭲ: "t", Ꭵ: "i", Ꭹ: "y", Ꭺ: "a", Ꭻ: "j", Ꭼ: "e", Ꮃ: "w", Ꮇ: "m", Ꮋ: "h", Ꮐ: "g", Ꮓ: "z",
  Ꮤ: "w", Ꮩ: "v", Ꮪ: "s", Ꮮ: "l", Ꮯ: "c", Ꮲ: "p", Ꮶ: "k", Ᏼ: "b",
};
for (const [c, latin] of Object.entries(CHEROKEE_LOOK_ALIKES)) {
  LOOK_ALIKES[c] = latin;
  LOOK_ALIKES[c.toLowerCase()] = latin;
}
const LOOK_ALIKE_RE = new RegExp(`[${Object.keys(LOOK_ALIKES).join("")}]`, "gu");
const toLatin = (s: string) => s.replace(LOOK_ALIKE_RE, (c) => LOOK_ALIKES[c]);
/** Punctuation and spaces at either end of a name ("You.", "(You)", "«You»"). */
const EDGE_PUNCTUATION = /^[\p{P}\p{White_Space}]+|[\p{P}\p{White_Space}]+$/gu;

/**
 * The form two names are compared in (reserved names, and "do two members share a name"), a
 * simplified UTS #39 skeleton: NFKD with combining marks removed ("You\u0323" → "You", "José" →
 * "Jose"), look-alike letters mapped to Latin (before and after case folding, since Greek Υ reads Y
 * but υ reads u), case-folded, blank-looking letters read as spaces, invisible characters removed,
 * whitespace runs collapsed to one space and trimmed, and punctuation at either end dropped unless
 * nothing else is left. `nameKey("DELETED\u200b  User") === "deleted user"`, `nameKey("ʏᴏᴜ.") === "you"`.
 */
export function nameKey(name: string): string {
  const latin = toLatin(name.normalize("NFKD").replace(MARK, ""));
  const folded = toLatin(latin.toUpperCase().toLowerCase().normalize("NFKD").replace(MARK, ""));
  const spaced = folded
    .replace(BLANK_LETTER, " ")
    .replace(WHITE_SPACE, " ")
    .replace(INVISIBLE, "")
    .replace(WHITE_SPACE, " ")
    .trim();
  return (spaced.replace(EDGE_PUNCTUATION, "") || spaced).normalize("NFC");
}

/**
 * Words the interface itself shows in place of a person or as its own voice, so no member may take
 * them as a display name: "Deleted user" (a deleted sender), "Former member" (a sender who left),
 * "You" (one's own messages and previews), "New message" (a notification whose sender is unknown),
 * "Parley" and "System" (the product speaking). Compared by `nameKey`.
 */
export const RESERVED_NAMES = ["Deleted user", "Former member", "You", "New message", "Parley", "System"] as const;
const RESERVED_KEYS = new Set(RESERVED_NAMES.map(nameKey));

/**
 * True when `name` reads as one of RESERVED_NAMES (any case, spacing, invisible characters, combining
 * marks, punctuation at either end or look-alike letters): `isReservedName("ᎠEᏞETED USER") === true`.
 */
export function isReservedName(name: string): boolean {
  return RESERVED_KEYS.has(nameKey(name));
}

/**
 * What is wrong with a name or title (display name, group title), as a message for its field, or
 * null when it follows DESIGN's Text rules: no control characters or line/paragraph separators, no
 * bidi controls or marks, no private-use, unassigned or annotation characters, something visible
 * (not marks alone), and no more than MAX_MARK_RUN combining marks in a row (lib/platform/text-length.ts). Expects a trimmed, NFC-normalised string (the schemas do that first). Only for
 * names and titles: message bodies may hold any of these.
 */
export function nameProblem(name: string, what: string): string | null {
  if (hasControlCharacter(name)) return `${what} may not contain control characters or line breaks`;
  if (hasBidiControl(name)) return `${what} may not contain text-direction control characters or marks`;
  if (hasUndisplayableCharacter(name)) return `${what} may not contain private-use, unassigned or annotation characters`;
  if (!hasVisibleText(name)) return `${what} needs at least one visible character`;
  if (longestMarkRun(name) > MAX_MARK_RUN) return markTowerMessage(what);
  return null;
}

/**
 * Wraps `s` in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (UAX #9), for user text placed inside
 * a plain string (a placeholder, the tab title, a notification) where no `<bdi>` can go.
 */
export function isolate(s: string): string {
  return `\u2068${s}\u2069`;
}
