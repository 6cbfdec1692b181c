/**
 * Message search: its limits and the query language (browser-safe, so the search box reads a query
 * the way the server will). DESIGN.md, "Contract additions: Search"; docs/search.md.
 */

/** Results per page: `limit` defaults to 20, at most 50. */
export const SEARCH_PAGE = { default: 20, max: 50 } as const;
/** The longest query, in UTF-16 code units (a search box, not a document). */
export const SEARCH_QUERY_MAX = 200;
/** At most this many words and phrases in one query; more is refused (each is a phrase query). */
export const SEARCH_TERMS_MAX = 12;
/** Where `highlight` marks a match: `\u0002` before it, `\u0003` after (never HTML). */
export const MATCH_START = "\u0002";
export const MATCH_END = "\u0003";

/** One part of a query: a word, or a quoted phrase; `negated` for `-word` / `-"a phrase"`. */
export interface SearchTerm {
  text: string;
  negated: boolean;
}

/**
 * Reads a query as web search engines do (PostgreSQL's websearch_to_tsquery, Google): words and
 * "quoted phrases" (straight or curly quotes; an unclosed quote runs to the end) must all match;
 * a leading `-` excludes a word or phrase. A lone `-` or empty quotes are ignored.
 * E.g. `"sent the files" -draft report` → [{ "sent the files" }, { "draft", negated }, { "report" }].
 */
export function parseSearchQuery(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const pattern = /(-?)(?:["“”„«»]([^"“”„«»]*)["“”„«»]?|([^\s"“”„«»]+))/gu;
  for (const m of q.matchAll(pattern)) {
    const negated = m[1] === "-";
    const text = (m[2] ?? m[3] ?? "").trim();
    if (!text || text === "-") continue;
    terms.push({ text: negated && m[3] !== undefined ? text.replace(/^-+/, "") : text, negated });
  }
  return terms.filter((t) => t.text !== "");
}

/**
 * Splits text into the words search compares, the way PostgreSQL's `parley_search_text` (migration
 * 0004) prepares it: runs of anything but punctuation, spaces, controls and symbols, except that each
 * character of a script written without spaces (Han, kana, Hangul, Thai, Lao, Myanmar, Khmer) is a
 * word of its own. Offsets are UTF-16 indexes into `text`, `end` exclusive.
 */
export function searchWords(text: string): { word: string; start: number; end: number }[] {
  const words: { word: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(WORD)) words.push({ word: m[0], start: m.index, end: m.index + m[0].length });
  return words;
}

const SPACELESS = "\\u0e00-\\u0eff\\u1000-\\u109f\\u1780-\\u17ff\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\uff66-\\uff9f\\u{20000}-\\u{3134f}";
const SEPARATOR =
  "\\p{P}\\p{Z}\\p{Cc}\\s$+<=>^`|~\\u00a2-\\u00a9\\u00ac-\\u00b1\\u00b4\\u00b8\\u00d7\\u00f7\\u2000-\\u2bff\\u3000-\\u303f\\ufe00-\\ufe0f\\ufe30-\\ufe6f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65\\u{1f000}-\\u{1faff}";
const WORD = new RegExp(`[${SPACELESS}]|[^${SEPARATOR}${SPACELESS}]+`, "gu");
