-- Full-text search (issue 14; docs/search.md). unaccent folds accents ("resume" finds "Résumé"),
-- btree_gin lets one GIN index hold conversation ids beside the words. Both are trusted extensions.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
-- English stems ("sending" finds "send"), with accents folded first for words outside ASCII.
CREATE TEXT SEARCH CONFIGURATION parley_search (COPY = pg_catalog.english);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION parley_search ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;--> statement-breakpoint
-- The text PostgreSQL's parser is given, for documents and queries alike:
-- 1. lower case by Unicode (ICU), whatever the database's locale (the embedded one has none);
-- 2. punctuation and symbols become spaces: under the C locale the parser takes every non-ASCII
--    character for a letter, so "hello—world" or "東京。大阪" would each be one word;
-- 3. characters of scripts written without spaces (Han, kana, Hangul, Thai, Lao, Myanmar, Khmer)
--    become words of their own, so a query is matched as a phrase of them: substring search, as
--    unigram indexing does in Lucene's CJK analysers.
-- lib/search/highlight.ts splits text the same way to mark the words that matched.
CREATE FUNCTION parley_search_text(body text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN regexp_replace(
  regexp_replace(
    lower(body COLLATE "und-x-icu"),
    '[[:punct:][:space:][:cntrl:]$+<=>^`|~\u00a2-\u00a9\u00ac-\u00b1\u00b4\u00b8\u00d7\u00f7\u2000-\u2bff\u3000-\u303f\ufe00-\ufe0f\ufe30-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\U0001f000-\U0001faff]+',
    ' ', 'g'),
  '([\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f])',
  ' \1 ', 'g');
