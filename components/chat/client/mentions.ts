/**
 * Mentions as the client counts and notifies them. Pure. The server decides who a message mentions
 * (`MessageView.mentions`: member ids, then "all" for `@all` / `@here`; lib/messages/rules.ts,
 * never inside code); the client only reads that list.
 */
import { MENTION_ALL } from "@/lib/messages/rules";
import type { MessageView } from "@/lib/messages/types";
import type { ChatState } from "./state";

/**
 * Whether `m` mentions `meId` (by name or through "all") in a way that counts toward one's
 * `unreadMentions`: a live text message from someone else. A self-mention never counts (DESIGN.md).
 */
export function mentionsMe(m: Pick<MessageView, "mentions" | "senderId" | "kind" | "deletedAt">, meId: string): boolean {
  if (m.senderId === meId || m.kind === "system" || m.deletedAt) return false;
  return (m.mentions ?? []).some((id) => id === meId || id === MENTION_ALL);
}

/** Unread messages mentioning me after `seq` among those the loaded timeline holds (a read landing mid-timeline). */
export function countUnreadMentions(state: ChatState, conversationId: string, seq: number): number {
  const timeline = state.timelines[conversationId];
  if (!timeline) return 0;
  return timeline.items.filter((m) => m.seq > seq && mentionsMe(m, state.meId)).length;
}
