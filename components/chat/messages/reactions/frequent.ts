/**
 * "Frequently used" emoji, per device: how often each was picked, in localStorage. Browser-only,
 * tolerant of a storage that throws (private modes) or holds junk.
 */

const KEY = "parley:emoji-frequent";
/** Kept per device; the least used beyond this are forgotten. */
const KEEP = 48;
/** Shown first until the device has picked some of its own. */
export const DEFAULT_FREQUENT = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];

function read(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(KEY) ?? "{}");
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === "number" && e[1] > 0));
  } catch {
    return {};
  }
}

/** The device's most used emoji, most used first (ties: most recently counted first), topped up with DEFAULT_FREQUENT to `limit`. */
export function frequentEmoji(limit = 16): string[] {
  const counts = read();
  const used = Object.keys(counts).sort((a, b) => counts[b] - counts[a]);
  return [...new Set([...used, ...DEFAULT_FREQUENT])].slice(0, limit);
}

/** Counts one use of `emoji` on this device. */
export function countUse(emoji: string): void {
  const counts = read();
  // a re-inserted key goes last in the object, and the stable sort above keeps it after older equals: put it first instead
  const next: Record<string, number> = { [emoji]: (counts[emoji] ?? 0) + 1 };
  for (const [e, n] of Object.entries(counts)) if (e !== emoji) next[e] = n;
  const kept = Object.entries(next)
    .sort((a, b) => b[1] - a[1])
    .slice(0, KEEP);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(kept)));
  } catch {
    // storage full or refused: the picker still works, just without memory
  }
}
