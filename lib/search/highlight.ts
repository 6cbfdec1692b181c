/**
 * Marking the words of a result that matched its query, for `highlight` (DESIGN.md, "Search"). The
 * text is split as PostgreSQL splits it for the index (./rules `searchWords`), and each distinct word
 * is reduced to its lexemes by PostgreSQL itself (the same parley_search configuration: case, accents,
 * English stems), so what is marked is what was found ("sending" is marked for the query "sends").
 * A phrase is marked only where its words stand together.
 */
import "server-only";
import type { Sql } from "postgres";
import { MATCH_END, MATCH_START, searchWords, type SearchTerm } from "./rules";

/** Each word's lexemes (none for a stop word), asked of PostgreSQL in one round trip. */
async function lexemesOf(sql: Sql, words: string[]): Promise<Map<string, string[]>> {
  if (!words.length) return new Map();
  const rows = await sql<{ w: string; l: string[] }[]>`
    select w, array(select lexeme from unnest(to_tsvector('parley_search', parley_search_text(w)))) as l
    from unnest(${words}::text[]) as w`;
  return new Map(rows.map((r) => [r.w, r.l]));
}

/**
 * `bodies` with every match of the query's positive terms wrapped in MATCH_START … MATCH_END. A term
 * of several words (a phrase, or Han/kana characters, each a word) is marked where its words follow
 * one another, stop words between them skipped on both sides, as PostgreSQL's phrase search does.
 */
export async function highlightMatches(sql: Sql, bodies: string[], terms: SearchTerm[]): Promise<string[]> {
  const positive = terms.filter((t) => !t.negated);
  const split = bodies.map((b) => searchWords(b));
  const termWords = positive.map((t) => searchWords(t.text).map((w) => w.word));
  const distinct = [...new Set([...split.flat().map((w) => w.word), ...termWords.flat()])];
  const lexemes = await lexemesOf(sql, distinct);
  const sequences = termWords.map((ws) => ws.flatMap((w) => lexemes.get(w) ?? [])).filter((seq) => seq.length > 0);
  return bodies.map((body, i) => {
    const words = split[i].filter((w) => (lexemes.get(w.word) ?? []).length > 0);
    const spans: [number, number][] = [];
    for (const seq of sequences) {
      for (let start = 0; start + seq.length <= words.length; start++) {
        if (seq.every((lexeme, k) => lexemes.get(words[start + k].word)!.includes(lexeme))) spans.push([words[start].start, words[start + seq.length - 1].end]);
      }
    }
    return mark(body, spans);
  });
}

/**
 * `text` with the (possibly overlapping) spans wrapped in the markers, merged where they overlap. A
 * body may hold the marker characters itself (bodies keep control characters, docs/text.md): they
 * become U+FFFD here, one code unit for one, so no body can fake or break a highlight.
 */
function mark(body: string, spans: [number, number][]): string {
  const text = body.replace(/[\u0002\u0003]/g, "\ufffd");
  if (!spans.length) return text;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  let out = "";
  let at = 0;
  for (const [from, to] of merged) {
    out += text.slice(at, from) + MATCH_START + text.slice(from, to) + MATCH_END;
    at = to;
  }
  return out + text.slice(at);
}
