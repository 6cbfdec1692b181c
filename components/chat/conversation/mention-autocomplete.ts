/**
 * The composer's member autocomplete and the `@all` check, as pure functions (the hook and the list
 * are in ./MentionAutocomplete.tsx). Names follow the server's mention rules (lib/messages/rules.ts):
 * "@" at the start or after a character that cannot be part of a word, an address or a path,
 * then letters, digits or "_"; nothing inside code.
 */
import { blankCode, MENTION_ALL, mentionNames } from "@/lib/messages/rules";

/** Someone the composer can name: a member of the conversation (or `@all`, `id` "all"). */
export interface MentionCandidate {
  id: string;
  username: string;
  displayName: string;
  /** the picture's URL (members carry it; `@all` has none) */
  avatar?: string | null;
}

/** What the composer is typing a name at: the "@" at `start`, `query` the letters after it up to the caret. */
export interface MentionQuery {
  start: number;
  end: number;
  query: string;
}

/** At most this many suggestions show. */
export const MAX_SUGGESTIONS = 8;
/** `@all` in a group of more members than this asks first (DESIGN.md: issue 13, item 4). */
export const ALL_CONFIRM_OVER = 10;
/** The `@all` suggestion, offered in groups. */
export const ALL_CANDIDATE: MentionCandidate = { id: MENTION_ALL, username: MENTION_ALL, displayName: "Everyone in this group" };

const BEFORE = /[A-Za-z0-9_@./\\]/;
const NAME_CHARS = /^[A-Za-z0-9_]*$/;

/** The name being typed at `caret` in `text`, or null (none there, or inside code). */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const at = text.lastIndexOf("@", caret - 1);
  if (at < 0) return null;
  const query = text.slice(at + 1, caret);
  if (!NAME_CHARS.test(query) || query.length > 32) return null;
  if (at > 0 && BEFORE.test(text[at - 1])) return null;
  if (blankCode(text)[at] !== "@") return null; // inside code: never a mention
  let end = caret;
  while (end < text.length && /[A-Za-z0-9_]/.test(text[end])) end++;
  return { start: at, end, query };
}

/**
 * Who matches `query` (case-insensitive): usernames that start with it first, then display names
 * with a word that starts with it, then either containing it; `@all` (when offered) where it
 * starts with the query. Oneself is left out; at most MAX_SUGGESTIONS.
 */
export function matchCandidates(people: MentionCandidate[], query: string, { meId, offerAll }: { meId: string; offerAll: boolean }): MentionCandidate[] {
  const q = query.toLowerCase();
  const scored: { c: MentionCandidate; score: number; i: number }[] = [];
  people.forEach((c, i) => {
    if (c.id === meId) return;
    const username = c.username.toLowerCase();
    const name = c.displayName.toLowerCase();
    const score = username.startsWith(q) ? 0 : name.split(/\s+/).some((w) => w.startsWith(q)) ? 1 : username.includes(q) || name.includes(q) ? 2 : -1;
    if (score >= 0) scored.push({ c, score, i });
  });
  scored.sort((a, b) => a.score - b.score || a.c.username.localeCompare(b.c.username) || a.i - b.i);
  const list = scored.map((s) => s.c);
  if (offerAll && (MENTION_ALL.startsWith(q) || "here".startsWith(q))) list.unshift(ALL_CANDIDATE);
  return list.slice(0, MAX_SUGGESTIONS);
}

/** `text` with the name being typed (`q`) replaced by `@username ` (one space after), and where the caret goes. */
export function insertMention(text: string, q: MentionQuery, username: string): { text: string; caret: number } {
  const after = text.slice(q.end).replace(/^ /, "");
  const inserted = `@${username} `;
  return { text: text.slice(0, q.start) + inserted + after, caret: q.start + inserted.length };
}

/** Whether sending `body` in a conversation of `kind` with `memberCount` members should ask first: it names everyone in a big group. */
export function needsAllConfirmation(body: string, kind: "direct" | "group", memberCount: number): boolean {
  return kind === "group" && memberCount > ALL_CONFIRM_OVER && mentionNames(body).includes(MENTION_ALL);
}
