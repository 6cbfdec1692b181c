/**
 * Marking the words of a result that matched its query, for `highlight` (DESIGN.md, "Search"). The
 * text is split as PostgreSQL splits it for the index (./rules `searchWords`), and each distinct word
 * is reduced to its lexemes by PostgreSQL itself (the same parley_search configuration: case, accents,
 * English stems), so what is marked is what was found ("sending" is marked for the query "sends").
 * A phrase is marked only where its words stand together, counting stop words as PostgreSQL does.
 */
import "server-only";
import type { Sql } from "postgres";
import { graphemes } from "../platform/text-length";
import { MATCH_END, MATCH_START, searchWords, type SearchTerm } from "./rules";

/**
 * Each word's places as PostgreSQL counts them: one list of lexemes per position the word takes, a
 * stop word taking one position with none (PostgreSQL counts it: "sent the files" is
 * 'sent' <2> 'file'). A word is one position unless the server's parser splits it further (its
 * character classes differ between PostgreSQL versions). Asked of PostgreSQL in one round trip.
 */
async function placesOf(sql: Sql, words: string[]): Promise<Map<string, string[][]>> {
  if (!words.length) return new Map();
  const rows = await sql<{ w: string; l: [string, number[]][] }[]>`
    select w, coalesce((select json_agg(json_build_array(t.lexeme, t.positions)) from unnest(to_tsvector('parley_search', parley_search_text(w))) t), '[]'::json) as l
    from unnest(${words}::text[]) as w`;
  return new Map(
    rows.map((r) => {
      const places: string[][] = [[]];
      for (const [lexeme, positions] of r.l) {
        for (const p of positions) {
          while (places.length < p) places.push([]);
          places[p - 1].push(lexeme);
        }
      }
      return [r.w, places];
    }),
  );
}

/**
 * Where `pattern` (lexemes per position, `[]` matching any word) occurs in `places`, as the index of
 * each occurrence's last place. Shift-and (bitap) over bit sets of pattern positions: linear in the
 * text for any pattern, where comparing each start afresh costs text × pattern (50 bodies of 4,000
 * "的" against a query of 199 took 0.7 s of the event loop).
 */
function occurrenceEnds(places: string[][], pattern: string[][]): number[] {
  const m = pattern.length;
  const size = Math.ceil(m / 32);
  const masks = new Map<string, Uint32Array>();
  const any = new Uint32Array(size);
  pattern.forEach((lexemes, k) => {
    if (!lexemes.length) any[k >> 5] |= 1 << (k & 31);
    for (const lexeme of lexemes) {
      let mask = masks.get(lexeme);
      if (!mask) masks.set(lexeme, (mask = new Uint32Array(size)));
      mask[k >> 5] |= 1 << (k & 31);
    }
  });
  const state = new Uint32Array(size);
  const allowed = new Uint32Array(size);
  const lastWord = (m - 1) >> 5;
  const lastBit = 1 << ((m - 1) & 31);
  const ends: number[] = [];
  places.forEach((lexemes, i) => {
    allowed.set(any);
    for (const lexeme of lexemes) {
      const mask = masks.get(lexeme);
      if (mask) for (let j = 0; j < size; j++) allowed[j] |= mask[j];
    }
    let carry = 1;
    for (let j = 0; j < size; j++) {
      const v = state[j];
      state[j] = ((v << 1) | carry) & allowed[j];
      carry = v >>> 31;
    }
    if (state[lastWord] & lastBit) ends.push(i);
  });
  return ends;
}

/**
 * `bodies` with every match of the query's positive terms wrapped in MATCH_START … MATCH_END. A term
 * of several words (a phrase, or Han/kana characters, each a word) is marked where its words follow
 * one another as PostgreSQL's phrase search finds them: a stop word holds its place on both sides
 * (`"sent the files"` marks "sent big files", not "sent files"). A mark never cuts a grapheme: a
 * Thai vowel sign, a keycap's enclosing mark or a variation selector stays with its letter.
 */
export async function highlightMatches(sql: Sql, bodies: string[], terms: SearchTerm[]): Promise<string[]> {
  const positive = terms.filter((t) => !t.negated);
  const split = bodies.map((b) => searchWords(b));
  const termWords = positive.map((t) => searchWords(t.text).map((w) => w.word));
  const distinct = new Set(termWords.flat());
  for (const words of split) for (const w of words) distinct.add(w.word);
  const places = await placesOf(sql, [...distinct]);
  const patterns = termWords
    .map((ws) => {
      const pattern = ws.flatMap((w) => places.get(w) ?? [[]]);
      // as phraseto_tsquery drops them: stop words before the first word and after the last
      while (pattern.length && !pattern[0].length) pattern.shift();
      while (pattern.length && !pattern.at(-1)!.length) pattern.pop();
      return pattern;
    })
    .filter((pattern) => pattern.length > 0);
  return bodies.map((body, i) => {
    const slots = split[i].flatMap((w) => (places.get(w.word) ?? [[]]).map((lexemes) => ({ lexemes, word: w })));
    const spans: [number, number][] = [];
    for (const pattern of patterns) {
      for (const end of occurrenceEnds(slots.map((s) => s.lexemes), pattern)) spans.push([slots[end - pattern.length + 1].word.start, slots[end].word.end]);
    }
    return mark(body, spans.length ? toGraphemes(body, spans) : spans);
  });
}

/** How far either side of a mark's edge graphemes are read to place it: more than any real cluster (30 marks at most, docs/text.md). */
const GRAPHEME_WINDOW = 256;

/**
 * `spans` merged and widened to whole graphemes of `body` (a mark never ends inside what a reader
 * sees as one character). Each edge is placed by segmenting only the text around it, so a long body
 * marked in one long stretch costs two small segmentations, not one of the whole body.
 */
function toGraphemes(body: string, spans: [number, number][]): [number, number][] {
  const edge = (at: number, side: "start" | "end") => {
    if (at <= 0 || at >= body.length) return at;
    let from = Math.max(0, at - GRAPHEME_WINDOW);
    if (/[\udc00-\udfff]/.test(body[from])) from++; // not half a surrogate pair
    let start = from;
    for (const g of graphemes(body.slice(from, Math.min(body.length, at + GRAPHEME_WINDOW)))) {
      const end = start + g.length;
      if (at < end) return at === start ? at : side === "start" ? start : end;
      start = end;
    }
    return at;
  };
  return merge(spans).map(([from, to]) => [edge(from, "start"), edge(to, "end")]);
}

/** `spans` sorted and merged where they overlap or touch. */
function merge(spans: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const s of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

/**
 * `text` with the (possibly overlapping) spans wrapped in the markers, merged where they overlap. A
 * body may hold the marker characters itself (bodies keep control characters, docs/text.md): they
 * become U+FFFD here, one code unit for one, so no body can fake or break a highlight.
 */
function mark(body: string, spans: [number, number][]): string {
  const text = body.replace(/[\u0002\u0003]/g, "\ufffd");
  if (!spans.length) return text;
  let out = "";
  let at = 0;
  for (const [from, to] of merge(spans)) {
    out += text.slice(at, from) + MATCH_START + text.slice(from, to) + MATCH_END;
    at = to;
  }
  return out + text.slice(at);
}
