/**
 * Crafted message texts that make careless Markdown parsers slow (quadratic or worse), each built at
 * any length: shared by the linear-time test (tests/unit/markup.test.ts) and `npm run bench:markup`.
 */

/** `unit` repeated and cut to `n` characters. */
export const repeat = (unit: string) => (n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

export const CRAFTED: Record<string, (n: number) => string> = {
  "links with brackets": repeat("https://a.example/(x)_(y)*z*. www.b.example/q?x=(1)) "),
  "a URL of closing brackets": (n) => "https://a.example/" + ")".repeat(n - 18),
  "a URL of opening brackets": (n) => "https://a.example/" + "(".repeat(n - 18),
  "*a": repeat("*a"),
  "_a": repeat("_a"),
  "~~a": repeat("~~a"),
  "nested markers": (n) => ("**_~~".repeat(Math.floor((n - 1) / 10)) + "x" + "~~_**".repeat(Math.floor((n - 1) / 10))).padEnd(n, "."),
  "openers only": repeat("*a _b ~~c "),
  "crossing markers": repeat("*a _b* c_ "),
  "backticks of growing length": (n) => Array.from({ length: n }, (_, k) => "`".repeat((k % 60) + 1) + "a").join("").slice(0, n),
  "`[` runs": repeat("["),
  "[a]( runs": repeat("[a]("),
  "`<` runs": repeat("<a"),
  "quote markers": repeat("> "),
  "quote lines": repeat(">\n"),
  "nested list lines": repeat("- a\n  - b\n    - c\n      - d\n        - e\n          - f\n            - g\n"),
  "@ runs": repeat("a@"),
  "an e-mail domain that fails at the end": (n) => "a@" + "b-".repeat(Math.floor(n / 2) - 1),
  "_www.": repeat("_www."),
  "www. and dots": (n) => "www.a" + ".".repeat(n - 5),
  backslashes: repeat("\\"),
  fences: repeat("```\n"),
  "a fence of spaces": (n) => "```" + " ".repeat(n - 4) + "`",
  everything: repeat("*_~`[(<!h"),
  "star runs": repeat("*".repeat(50) + "a"),
};

/** An ordinary long message with some of everything, for comparison. */
export const TYPICAL = repeat(
  "Release notes: **bold move**, _quietly_, ~~dropped~~ and `npm ci` first, see https://example.org/docs_(v2) or www.example.com.\n" +
    "```sh\nnpm run build && npm start -- --port 3000\n```\n> The engine weaves algebraic patterns\n- one item\n- another, with *emphasis*\n\n",
);
