/** Text samples shared by the HTTP and socket text-input tests (docs/text.md). */
/** Strings no text input may take; JSON.stringify writes lone surrogates as "\udXXX" escapes, as a hostile client would. */
export const ILL_FORMED: Array<[string, string]> = [
  ["a lone high surrogate", "Ada \ud83d"],
  ["a lone low surrogate", "\ude00 Ada"],
  ["a reversed pair", "Ada \ude00\ud83d"],
  ["a high surrogate before a letter", "\ud83dAda"],
  ["a NUL", "Ada\u0000Lovelace"],
];

/** One code point, two UTF-16 units: for limits counted in code points. */
export const EMOJI = "😀";
