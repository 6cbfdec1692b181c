import type { ConversationView, MemberView } from "@/lib/realtime/events";

/** The other member of a direct conversation (or oneself, in a note-to-self). */
export function otherMember(c: ConversationView, meId: string): MemberView | undefined {
  return c.members.find((m) => m.id !== meId) ?? c.members[0];
}

/** A group's title, or the other person's name for a direct conversation. */
export function conversationTitle(c: ConversationView, meId: string): string {
  if (c.kind === "group") return c.title?.trim() || c.members.map((m) => m.displayName).join(", ") || "Group";
  return otherMember(c, meId)?.displayName ?? "Deleted user";
}
