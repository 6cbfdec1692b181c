-- The directory's search for a query without a trigram (issue 15, item 6): a one- or two-character
-- query, or one without three letters or digits in a row, has nothing pg_trgm's indexes can narrow, so it
-- was read in username order until a page of matches came, which for a rare pair of letters ("aa", "kh",
-- 600 of 100,000 people) was the whole directory: 33-40 ms. This function gives every one- and
-- two-character piece of the username and of the lowercased display name (characters, as substr counts
-- them), so `x LIKE '%ab%'` implies `'ab' = ANY(parley_name_grams(…))`: the GIN index below finds every
-- candidate, and LIKE decides (lib/people/directory.ts). COST 1000: evaluating it is far dearer than
-- reading it from the index, so the planner does not prefer a scan that computes it for every row.
CREATE FUNCTION parley_name_grams(username text, display_name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
  SELECT coalesce(array_agg(DISTINCT substr(s, i, n)), '{}')
  FROM unnest(ARRAY[username, lower(display_name)]) AS s, generate_series(1, 2) AS n, generate_series(1, length(s) - n + 1) AS i
$$;--> statement-breakpoint
CREATE INDEX "users_name_grams" ON "users" USING gin (parley_name_grams("username", "display_name"));
