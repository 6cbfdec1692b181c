/**
 * What the Ctrl/Cmd+K switcher lists for a query, best first (React-free, so the rule is tested on
 * its own: tests/unit/switcher-rank.test.ts).
 */
import type { ConversationView } from "@/lib/conversations/types";
import { nameKey } from "@/lib/platform/text";
import { conversationTitle, otherMember } from "../client/names";
import { sortedConversations } from "../client/selectors";
import type { ChatState } from "../client/state";

/** How many conversations the switcher shows. */
export const SWITCHER_LIMIT = 8;

export interface SwitcherMatch {
  conversation: ConversationView;
  /** the title the sidebar shows for it */
  title: string;
}

/**
 * How well one conversation answers the query `q` (already a `nameKey`), lower is better; null: not
 * at all. The conversation's own names are its title (a direct conversation's: the other person's
 * display name) and, for a direct conversation, the other person's username.
 * 0 — an own name is the query (`ada` or `Ada Lovelace` for the direct conversation with her;
 *     a group called exactly that);
 * 1 — an own name starts with it, or one of its words does (`love` finds "Ada Lovelace");
 * 2 — an own name contains it;
 * 3 — a group that merely has a member (other than oneself) whose display name or username
 *     contains it.
 * So the direct conversation with a person always comes before a group they are merely in.
 */
function tier(c: ConversationView, title: string, meId: string, q: string): number | null {
  const other = c.kind === "direct" ? otherMember(c, meId) : undefined;
  const own = [title, ...(other ? [other.username] : [])].map(nameKey);
  if (own.includes(q)) return 0;
  if (own.some((name) => name.startsWith(q) || name.split(" ").some((word) => word.startsWith(q)))) return 1;
  if (own.some((name) => name.includes(q))) return 2;
  if (c.kind === "group" && c.members.some((m) => m.id !== meId && (nameKey(m.displayName).includes(q) || nameKey(m.username).includes(q)))) return 3;
  return null;
}

/**
 * The switcher's list for `query`, at most `limit`: by `tier` (above), then in the sidebar's order
 * (the most recently active first). Names and query are compared as `nameKey` compares names
 * (lib/platform/text.ts: case, accents, spacing, look-alike letters, a leading "@" all ignored). An
 * empty query lists the conversations in the sidebar's order.
 */
export function rankConversations(conversations: ChatState["conversations"], meId: string, query: string, limit = SWITCHER_LIMIT): SwitcherMatch[] {
  const q = nameKey(query);
  const ranked: { match: SwitcherMatch; tier: number }[] = [];
  for (const conversation of sortedConversations(conversations)) {
    const title = conversationTitle(conversation, meId);
    const t = q ? tier(conversation, title, meId, q) : 0;
    if (t !== null) ranked.push({ match: { conversation, title }, tier: t });
  }
  // Array.prototype.sort is stable: within a tier the sidebar's order stays
  return ranked
    .sort((a, b) => a.tier - b.tier)
    .slice(0, limit)
    .map((r) => r.match);
}
