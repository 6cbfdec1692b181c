/**
 * The built-in emoji catalogue (browser-safe, but heavy: ~70 KB gzipped of data). The server imports it
 * to turn a reaction's `:shortcode:` into its emoji; the browser only ever loads it with a dynamic
 * `import()` when the picker opens or the composer sees a `:shortcode` (docs/chat-ui.md), so it stays
 * out of the chat page's first load.
 *
 * Source: emojibase-data (the CLDR names and keywords of every RGI emoji, Unicode's order and groups)
 * with its GitHub shortcode set, the one Slack, GitHub and Discord users type (`:+1:`, `:tada:`).
 * Skin-tone variants are not listed (they are still accepted as reactions when sent as characters).
 */
import compact from "emojibase-data/en/compact.json";
import github from "emojibase-data/en/shortcodes/github.json";
import messages from "emojibase-data/en/messages.json";
import { isReactionEmoji } from "./rules";

/** One emoji of the catalogue. */
export interface EmojiEntry {
  /** the fully-qualified emoji, the form reactions are stored in */
  emoji: string;
  /** its CLDR name, e.g. "thumbs up" */
  name: string;
  /** without colons, the first is the preferred one, e.g. ["+1", "thumbsup"]; may be empty */
  shortcodes: string[];
  /** CLDR keywords, for search */
  keywords: string[];
  /** index into EMOJI_GROUPS */
  group: number;
}

/** The picker's categories, in Unicode's order (the "component" group, bare skin tones and hair, left out). */
export const EMOJI_GROUPS: { key: string; name: string }[] = messages.groups
  .filter((g) => g.key !== "component")
  .sort((a, b) => a.order - b.order)
  .map((g) => ({ key: g.key, name: g.message.charAt(0).toUpperCase() + g.message.slice(1) }));

const groupIndex = new Map(messages.groups.map((g) => [g.order, EMOJI_GROUPS.findIndex((x) => x.key === g.key)]));
const codesOf = (hexcode: string): string[] => {
  const codes = (github as Record<string, string | string[]>)[hexcode];
  return codes === undefined ? [] : Array.isArray(codes) ? codes : [codes];
};

/**
 * The RGI form of an entry: emojibase writes some with a variation selector RGI does not have
 * ("👍\uFE0F"), which would make a picked 👍 and a typed 👍 two reactions.
 */
function rgiForm(e: { unicode: string; hexcode: string }): string | null {
  const candidates = [e.unicode, e.unicode.replace(/\uFE0F/g, ""), String.fromCodePoint(...e.hexcode.split("-").map((h) => parseInt(h, 16)))];
  return candidates.find(isReactionEmoji) ?? null;
}

/** Every emoji of the catalogue, in Unicode's order (those this JavaScript engine does not know as RGI left out). */
export const EMOJI: EmojiEntry[] = compact
  .filter((e) => e.group !== undefined && (groupIndex.get(e.group) ?? -1) >= 0)
  .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
  .flatMap((e) => {
    const emoji = rgiForm(e);
    return emoji ? [{ emoji, name: e.label, shortcodes: codesOf(e.hexcode), keywords: e.tags ?? [], group: groupIndex.get(e.group!)! }] : [];
  });

const byShortcode = new Map<string, string>();
for (const e of EMOJI) for (const code of e.shortcodes) if (!byShortcode.has(code)) byShortcode.set(code, e.emoji);
const byEmoji = new Map(EMOJI.map((e) => [e.emoji, e]));

/** The emoji of a shortcode, given with or without its colons (`:+1:`, `tada`); null when it is not in the catalogue. */
export function emojiForShortcode(code: string): string | null {
  const bare = code.startsWith(":") && code.endsWith(":") && code.length > 2 ? code.slice(1, -1) : code;
  return byShortcode.get(bare.toLowerCase()) ?? null;
}

/** The catalogue's entry for an emoji character, if it has one (names the emoji in tooltips). */
export function emojiEntry(emoji: string): EmojiEntry | undefined {
  return byEmoji.get(emoji);
}

/**
 * Emoji matching `query` (lowercase words; a leading ":" is ignored): shortcodes that start with it
 * first, then names and keywords that do, then those that contain it; at most `limit`, catalogue
 * order within each rank. An empty query matches nothing.
 */
export function searchEmoji(query: string, limit = 60): EmojiEntry[] {
  const q = query.trim().toLowerCase().replace(/^:|:$/g, "");
  if (!q) return [];
  const ranked: EmojiEntry[][] = [[], [], []];
  for (const e of EMOJI) {
    if (e.shortcodes.some((c) => c.startsWith(q))) ranked[0].push(e);
    else if (e.name.split(/[\s:,-]+/).some((w) => w.startsWith(q)) || e.keywords.some((k) => k.startsWith(q))) ranked[1].push(e);
    else if (e.name.includes(q) || e.shortcodes.some((c) => c.includes(q))) ranked[2].push(e);
  }
  return ranked.flat().slice(0, limit);
}
