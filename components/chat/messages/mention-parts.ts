/**
 * Where a message body mentions someone, for highlighting. Pure. Reads the body with the server's
 * own rules (lib/messages/rules.ts: `@username` in any letter case, `@all` / `@here`, nothing inside
 * inline code or a code block), and highlights only what the server resolved when it stored the
 * message (`MessageView.mentions`): a name that was no member then stays plain text.
 */
import { blankCode, MENTION_ALL, MENTION_PATTERN } from "@/lib/messages/rules";

/** Who may be named: usernames (lowercase) to user ids, and who is reading. */
export interface MentionContext {
  meId: string;
  /** lowercase username → user id (the conversation's members, and people looked up) */
  ids: Record<string, string>;
}

/** "me": names the reader (or everyone, which includes the reader); "other": someone else. */
export type MentionPart = { kind: "text"; text: string } | { kind: "mention"; text: string; of: "me" | "other"; all: boolean; userId: string | null };

/** A mention found in a body: its place (UTF-16 offsets into the body) and what it names. */
export interface MentionSpan {
  start: number;
  end: number;
  of: "me" | "other";
  all: boolean;
  userId: string | null;
}

/** The mentions of `body` that the server resolved (`mentions`), outside code, in order. */
export function findMentions(body: string, mentions: readonly string[], ctx: MentionContext): MentionSpan[] {
  if (!mentions.length) return [];
  const resolved = new Set(mentions);
  const spans: MentionSpan[] = [];
  for (const m of blankCode(body).matchAll(MENTION_PATTERN)) {
    const name = m[2].toLowerCase();
    const start = (m.index ?? 0) + m[1].length;
    const end = start + 1 + m[2].length;
    if (name === MENTION_ALL || name === "here") {
      if (resolved.has(MENTION_ALL)) spans.push({ start, end, of: "me", all: true, userId: null });
      continue;
    }
    const id = ctx.ids[name];
    if (id && resolved.has(id)) spans.push({ start, end, of: id === ctx.meId ? "me" : "other", all: false, userId: id });
  }
  return spans;
}

/**
 * `text` split into plain text and the mentions among `spans` (from `findMentions`). `text` is the
 * whole body, or a run of it that starts at `offset` (a text node between links, or of a Markdown
 * renderer): give the whole body's spans, so that code around the run is taken into account (a
 * renderer that never passes code may also give `findMentions(run, …)` with offset 0).
 */
export function mentionParts(text: string, spans: readonly MentionSpan[], offset = 0): MentionPart[] {
  const parts: MentionPart[] = [];
  let at = 0;
  for (const s of spans) {
    const start = s.start - offset;
    const end = s.end - offset;
    if (start < at || end > text.length) continue; // outside this run (or cut by its edge)
    if (start > at) parts.push({ kind: "text", text: text.slice(at, start) });
    parts.push({ kind: "mention", text: text.slice(start, end), of: s.of, all: s.all, userId: s.userId });
    at = end;
  }
  if (at < text.length || parts.length === 0) parts.push({ kind: "text", text: text.slice(at) });
  return parts;
}
