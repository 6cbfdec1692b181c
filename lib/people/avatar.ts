/** Initials and a stable colour for users without an uploaded avatar. */
import { firstVisibleGrapheme, longestMarkRun } from "../platform/text-length";

export const AVATAR_PALETTE = ["#4f46e5", "#0e7490", "#b45309", "#be185d", "#15803d", "#7c3aed", "#c2410c", "#1d4ed8"] as const;

export function avatarColor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return AVATAR_PALETTE[h % AVATAR_PALETTE.length];
}

/** A grapheme without its combining marks when they stack higher than any script needs (zalgo): an initial is a letter. */
function withoutMarkTower(g: string): string {
  return longestMarkRun(g) > 4 ? g.replace(/\p{M}/gu, "") || g : g;
}

/**
 * Up to two initials, of the first and the last word, each a whole grapheme (lib/platform/text-length.ts):
 * "Ada Lovelace" → "AL", "👩🏽‍💻 Ada" → "👩🏽‍💻A", "🇫🇷 Paris" → "🇫🇷P"; invisible and direction characters
 * are skipped ("\u200bada" → "A"), and so is a stack of more than 4 marks; "?" when nothing shows.
 */
export function initials(displayName: string): string {
  const letters = displayName.split(/\s+/).map(firstVisibleGrapheme).filter(Boolean);
  const picked = letters.length > 1 ? [letters[0], letters[letters.length - 1]] : letters;
  return picked.map((g) => withoutMarkTower(g).toUpperCase()).join("") || "?";
}
