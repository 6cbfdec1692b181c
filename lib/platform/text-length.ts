/**
 * How long text is and where it may be cut: one rule for the server (zod schemas in ./validation)
 * and the browser (the composer's counter, form counters, previews, notifications, initials).
 * Browser-safe: no Node APIs, no React.
 *
 * Source: DESIGN.md "Text rules" (lengths in Unicode code points; cuts for display on a grapheme
 * boundary); Unicode UAX #29 (extended grapheme clusters, via Intl.Segmenter) and UAX #15 §13
 * (the Stream-Safe Text Format: no conforming text needs more than 30 non-starters in a row).
 */

/**
 * Length in Unicode code points, the unit every limit is stated in ("at most 4000 characters"):
 * "a" is 1, "é" (U+00E9) 1, "e\u0301" 2, "😀" 1 (two UTF-16 units), "👩‍💻" 3 (woman, ZWJ, laptop),
 * "🇫🇷" 2. A lone surrogate counts 1 (the schemas refuse it anyway). It is what zod 4's string
 * `.max`/`.min` count (tests/unit/text-length.test.ts checks that they agree), not
 * `String.prototype.length` (UTF-16 units) and not graphemes (which a font decides how to draw).
 */
export function textLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

type Segmenter = { segment(s: string): Iterable<{ segment: string }> };
let segmenter: Segmenter | null | undefined;

/** Code points that never start a grapheme in the fallback below: marks, variation selectors, tag characters (Grapheme_Extend), ZWJ, skin tones. */
const EXTEND = /^[\p{M}\p{Grapheme_Extend}\u200d\p{Emoji_Modifier}]/u;

/**
 * The extended grapheme clusters of `s` (UAX #29), what a reader sees as one character: "👩🏽‍💻",
 * "🇫🇷", "e\u0301", "क्षि", a Hangul syllable from conjoining jamo. Uses Intl.Segmenter; where a
 * browser lacks it, a close approximation that never splits a surrogate pair, a mark from its base,
 * a ZWJ sequence, a skin tone or a pair of regional indicators.
 */
export function* graphemes(s: string): Generator<string> {
  if (segmenter === undefined) {
    const Ctor = (Intl as unknown as { Segmenter?: new (locale: undefined, opts: { granularity: "grapheme" }) => Segmenter }).Segmenter;
    segmenter = Ctor ? new Ctor(undefined, { granularity: "grapheme" }) : null;
  }
  if (segmenter) {
    for (const { segment } of segmenter.segment(s)) yield segment;
    return;
  }
  let current = "";
  let joined = false;
  let flags = 0;
  for (const cp of s) {
    const flag = /\p{Regional_Indicator}/u.test(cp);
    if (current && !joined && !EXTEND.test(cp) && !(flag && flags % 2 === 1)) {
      yield current;
      current = "";
      flags = 0;
    }
    current += cp;
    joined = cp === "\u200d";
    flags = flag ? flags + 1 : 0;
  }
  if (current) yield current;
}

/**
 * `s` cut for display to at most `max` code points, the ellipsis included, ending on a grapheme
 * boundary: `truncate("ab👩‍💻cd", 4)` → "ab…" (the ZWJ sequence is three code points and does not
 * fit whole), never half an emoji, a flag without its pair or a letter without its accents.
 * Returns `s` unchanged when it fits. `max` ≥ 1; when not even the first grapheme fits, the
 * result is the ellipsis alone. Reads only as far as it cuts (a 4000-character body costs what
 * the preview shows).
 */
export function truncate(s: string, max: number, ellipsis = "…"): string {
  if (s.length <= max || textLength(s) <= max) return s; // (never more code points than UTF-16 units)
  const budget = max - textLength(ellipsis);
  let kept = "";
  let used = 0;
  for (const g of graphemes(s)) {
    const n = textLength(g);
    if (used + n > budget) break;
    kept += g;
    used += n;
  }
  return kept + ellipsis;
}

/**
 * The first grapheme of `s` that shows something (skipping whitespace, zero-width and other
 * invisible characters), for an avatar's initial: "👩🏽‍💻 Ada" → "👩🏽‍💻", "\u200bZoë" → "Z", "🇫🇷" → "🇫🇷".
 * Returns "" when nothing shows.
 */
export function firstVisibleGrapheme(s: string): string {
  for (const g of graphemes(s)) {
    if (/[^\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800\u3164\u115F\u1160\uFFA0]/u.test(g)) return g;
  }
  return "";
}

/**
 * At most this many combining marks in a row (UAX #15 §13: the Stream-Safe Text Format allows 30
 * non-starters in a row, more than any language needs; Vietnamese uses 2, Tibetan stacks 3 or 4).
 * More is "zalgo" text, drawn as a tower of marks over the lines around it: refused in messages,
 * names, titles and bios.
 */
export const MAX_MARK_RUN = 30;

/**
 * A run of marks together with the invisible format characters between them (ZWJ, ZWNJ, tag
 * characters, other Cf, default-ignorables): those draw nothing, so marks on either side stack on
 * the same base and must not reset the count ("Z" + 25 marks + ZWJ + 25 marks is one tower of 50).
 */
const MARK_RUN = /[\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}]+/gu;
const MARK = /\p{M}/gu;

/** The refusal for more than MAX_MARK_RUN marks in a row, `what` being the field ("A message", "Title"). */
export function markTowerMessage(what: string): string {
  return `${what} may have at most ${MAX_MARK_RUN} accents or other combining marks in a row`;
}

/**
 * The longest run of combining marks (Unicode categories Mn, Mc, Me) in `s`, in code points; format
 * characters (Cf, default-ignorables) inside a run neither end it nor count. Emoji sequences stay
 * short: in "👨‍👩‍👧" each ZWJ sits between pictographs, a keycap "1️⃣" has 2 marks, a tag flag none.
 */
export function longestMarkRun(s: string): number {
  let longest = 0;
  for (const m of s.matchAll(MARK_RUN)) {
    if (m[0].length <= longest) continue; // (never more marks than UTF-16 units)
    let n = 0;
    for (const _ of m[0].matchAll(MARK)) n++;
    longest = Math.max(longest, n);
  }
  return longest;
}
