/** Initials and a stable colour for users without an uploaded avatar. */
import { withoutInvisible } from "./text";

export const AVATAR_PALETTE = ["#4f46e5", "#0e7490", "#b45309", "#be185d", "#15803d", "#7c3aed", "#c2410c", "#1d4ed8"] as const;

export function avatarColor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return AVATAR_PALETTE[h % AVATAR_PALETTE.length];
}

export function initials(displayName: string): string {
  // a leading zero-width or direction character would make a blank initial
  const words = withoutInvisible(displayName).trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => Array.from(w)[0]?.toUpperCase() ?? "").join("") || "?";
}
