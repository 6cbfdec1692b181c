import { isReservedName, nameKey, nameProblem } from "@/lib/platform/text";
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import { DELETED_USER_NAME } from "./people";

/**
 * The other member of a direct conversation; undefined once they deleted their account
 * (`peerDeleted`: only oneself is left, and that must never stand in for them).
 */
export function otherMember(c: ConversationView, meId: string): MemberView | undefined {
  if (c.peerDeleted) return undefined;
  return c.members.find((m) => m.id !== meId);
}

/** A group's title, or the other person's name for a direct conversation ("Deleted user" once their account is gone). */
export function conversationTitle(c: ConversationView, meId: string): string {
  if (c.kind === "group") return c.title?.trim() || c.members.map((m) => m.displayName).join(", ") || "Group";
  return otherMember(c, meId)?.displayName ?? DELETED_USER_NAME;
}

/** Someone (or something) shown by name; `username` is absent where there is none (a group). */
export interface Named {
  id: string;
  displayName: string;
  username?: string;
}

/**
 * A name that cannot be told apart by reading it: it reads like a label the interface uses
 * ("Deleted user", "You"), or it was stored before the text rules and breaks one of them
 * (lib/platform/text.ts `nameProblem`: control or bidi characters, private-use or unassigned characters,
 * nothing visible). Such names always get their @username beside them.
 */
function misleading(name: string): boolean {
  return isReservedName(name) || nameProblem(name, "Name") !== null;
}

/**
 * Which of `people` need their `@username` shown beside their name, as id → username: everyone
 * whose name reads the same as another's (compared by lib/platform/text.ts `nameKey`: NFKC, case folding,
 * spacing, invisible characters, look-alike letters) and everyone whose name is `misleading`.
 * Entries without a username are compared but never get one. Pure; order does not matter.
 *
 * `handlesToShow([{id:"1",username:"ada",displayName:"Ada"},{id:"2",username:"ada_x",displayName:"ADA"}])`
 * → `{ "1": "ada", "2": "ada_x" }`.
 */
export function handlesToShow(people: readonly Named[]): Record<string, string> {
  const seen = new Map<string, number>();
  const keys = people.map((p) => nameKey(p.displayName));
  for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  const handles: Record<string, string> = {};
  people.forEach((p, i) => {
    if (p.username && (seen.get(keys[i])! > 1 || misleading(p.displayName))) handles[p.id] = p.username;
  });
  return handles;
}

/**
 * The conversations that need a handle beside their title in a list of them (the sidebar, the
 * switcher), as conversation id → the other member's username: direct conversations whose title
 * (the other person's name) reads like another listed title or is misleading.
 */
export function conversationHandles(conversations: readonly ConversationView[], meId: string): Record<string, string> {
  return handlesToShow(
    conversations.map((c) => ({
      id: c.id,
      displayName: conversationTitle(c, meId),
      username: c.kind === "direct" ? otherMember(c, meId)?.username : undefined,
    })),
  );
}

/**
 * How a group's sidebar preview names the sender, short enough to leave room for the text: the
 * first word of the name, plus the handle when `handlesToShow` says so (the handle is what tells
 * them apart); the whole name when another member's name starts with the same word but differs.
 */
export function previewSender(members: readonly Named[], senderId: string): { name: string; handle?: string } | undefined {
  const sender = members.find((m) => m.id === senderId);
  if (!sender) return undefined;
  const handle = handlesToShow(members)[senderId];
  const first = (name: string) => name.trim().split(/\s+/u)[0] ?? name;
  const firstKey = nameKey(first(sender.displayName));
  const clash = members.some((m) => m.id !== senderId && nameKey(first(m.displayName)) === firstKey);
  return { name: clash && !handle ? sender.displayName : first(sender.displayName), handle };
}
