/**
 * Text rules for what people type, shared by the server (zod schemas in ./validation) and the
 * browser (forms, name labels). Browser-safe: no Node APIs, no React.
 *
 * Source: DESIGN.md "Text rules (all inputs, every transport)"; Unicode UAX #9 (the bidirectional
 * algorithm: which characters are explicit direction controls) and UTS #39 (security mechanisms:
 * default-ignorable and blank-looking characters, confusable letters).
 */

/** Explicit direction controls, UAX #9 §2: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069). */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

/** Control characters, general category Cc: C0, DEL and C1 (U+0080–U+009F, with U+0085 NEXT LINE). */
const CONTROL = /\p{Cc}/u;

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

/** True when `s` holds a control character (Unicode category Cc, U+0085 included). */
export function hasControlCharacter(s: string): boolean {
  return CONTROL.test(s);
}

/** True when `s` holds an explicit bidi control (UAX #9: U+202A–U+202E, U+2066–U+2069). */
export function hasBidiControl(s: string): boolean {
  return BIDI_CONTROL.test(s);
}

/** True when something remains of `s` after removing whitespace and invisible characters. */
export function hasVisibleText(s: string): boolean {
  return s.replace(WHITE_SPACE, "").replace(INVISIBLE, "").length > 0;
}

/** `s` without its invisible characters (as `hasVisibleText` counts them); whitespace is kept. */
export function withoutInvisible(s: string): string {
  return s.replace(WHITE_SPACE, " ").replace(INVISIBLE, "");
}

/**
 * Latin look-alikes from other scripts, a small subset of UTS #39 confusables.txt (lowercase
 * Cyrillic and Greek letters that render like a Latin letter in common fonts). Used only to compare
 * names, never to change what is stored.
 */
const CONFUSABLE: Record<string, string> = {
  а: "a", в: "b", е: "e", ё: "e", һ: "h", і: "i", ї: "i", ј: "j", к: "k", м: "m", н: "h", о: "o", р: "p", с: "c",
  ѕ: "s", т: "t", у: "y", х: "x", ԁ: "d", ԛ: "q", ԝ: "w", ӏ: "l",
  α: "a", β: "b", ε: "e", ι: "i", κ: "k", ν: "v", ο: "o", ρ: "p", τ: "t", υ: "u", χ: "x", ϲ: "c", ϳ: "j",
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLE).join("")}]`, "gu");

/**
 * The form two names are compared in (reserved names, and "do two members share a name"): NFKC,
 * case-folded, blank-looking letters read as spaces, whitespace runs collapsed to one space and
 * trimmed, invisible characters removed, and common cross-script look-alikes mapped to Latin
 * (UTS #39 skeleton, simplified). `nameKey("DELETED\u200b  User") === "deleted user"`.
 */
export function nameKey(name: string): string {
  const folded = name.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");
  return folded
    .replace(BLANK_LETTER, " ")
    .replace(WHITE_SPACE, " ")
    .replace(INVISIBLE, "")
    .replace(WHITE_SPACE, " ")
    .trim()
    .replace(CONFUSABLE_RE, (c) => CONFUSABLE[c]);
}

/**
 * Words the interface itself shows in place of a person or as its own voice, so no member may take
 * them as a display name: "Deleted user" (a deleted sender), "Former member" (a sender who left),
 * "You" (one's own messages and previews), "New message" (a notification whose sender is unknown),
 * "Parley" and "System" (the product speaking). Compared by `nameKey`.
 */
export const RESERVED_NAMES = ["Deleted user", "Former member", "You", "New message", "Parley", "System"] as const;
const RESERVED_KEYS = new Set(RESERVED_NAMES.map(nameKey));

/** True when `name` reads as one of RESERVED_NAMES (any case, spacing, invisible characters or look-alikes). */
export function isReservedName(name: string): boolean {
  return RESERVED_KEYS.has(nameKey(name));
}

/**
 * What is wrong with a name or title (display name, group title), as a message for its field, or
 * null when it follows DESIGN's Text rules: no control characters, no bidi controls, and something
 * visible. Expects a trimmed, NFC-normalised string (the schemas do that first).
 */
export function nameProblem(name: string, what: string): string | null {
  if (hasControlCharacter(name)) return `${what} may not contain control characters or line breaks`;
  if (hasBidiControl(name)) return `${what} may not contain text-direction control characters`;
  if (!hasVisibleText(name)) return `${what} needs at least one visible character`;
  return null;
}

/**
 * Wraps `s` in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (UAX #9), for user text placed inside
 * a plain string (a placeholder, the tab title, a notification) where no `<bdi>` can go.
 */
export function isolate(s: string): string {
  return `\u2068${s}\u2069`;
}
