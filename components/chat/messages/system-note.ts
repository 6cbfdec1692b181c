/**
 * What a timeline note (a `kind: "system"` message, DESIGN.md) says: "Ada renamed the group to
 * “Compilers”", "Ada added Bob and Cid", "Ada removed Bob", "Bob left", "Cid is now the owner".
 * Pure: the words come out as parts, so the timeline and the sidebar can isolate each name and the
 * title (`<bdi>`), and {@link noteText} joins them for plain text.
 */
import type { SystemEvent } from "@/lib/messages/types";

/** A piece of a note: plain words, a person (by id; null for nobody, shown as "Deleted user"), or a quoted group title. */
export type NotePart = string | { person: string | null } | { title: string };

/** More added people than this are summed up: "Ada added Bob, Cid and 3 others". */
const NAMED_AT_MOST = 3;

/** `ids` as "A", "A and B", "A, B and C", or "A, B, C and 2 others" past NAMED_AT_MOST. */
function listOf(ids: string[], who: (id: string, start: boolean) => NotePart): NotePart[] {
  const named = ids.length > NAMED_AT_MOST ? ids.slice(0, NAMED_AT_MOST - 1) : ids;
  const rest = ids.length - named.length;
  const items: NotePart[][] = named.map((id) => [who(id, false)]);
  if (rest) items.push([`${rest} others`]);
  return items.flatMap((item, i) => [...(i === 0 ? [] : i === items.length - 1 ? [" and "] : [", "]), ...item]);
}

/**
 * The parts of the note `event` done by `senderId`, as `meId` reads it: oneself is "You" / "you"
 * ("You left", "Ada removed you", "You are now the owner").
 */
export function noteParts(event: SystemEvent, senderId: string | null, meId: string): NotePart[] {
  const who = (id: string | null, start: boolean): NotePart => (id !== null && id === meId ? (start ? "You" : "you") : { person: id });
  const actor = who(senderId, true);
  switch (event.type) {
    case "renamed":
      return [actor, " renamed the group to ", { title: event.title }];
    case "members_added":
      return [actor, " added ", ...listOf(event.userIds, who)];
    case "member_removed":
      return [actor, " removed ", who(event.userId, false)];
    case "member_left":
      return [who(event.userId, true), " left"];
    case "owner_changed":
      return [who(event.userId, true), event.userId === meId ? " are now the owner" : " is now the owner"];
  }
}

/** The note as one line of plain text, names from `nameOf` (null: nobody) and the title in quotes. */
export function noteText(parts: NotePart[], nameOf: (id: string | null) => string): string {
  return parts.map((p) => (typeof p === "string" ? p : "title" in p ? `“${p.title}”` : nameOf(p.person))).join("");
}
