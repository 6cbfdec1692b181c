/**
 * Read receipts (issue 13, item 8): which message carries "Seen" / "Seen by N", and who has read it.
 * Pure, React-free. Built on the members' read positions (`MemberView.lastReadSeq`), which the
 * server's `read` event keeps live (./reducer.ts, case "read"); nothing else is stored.
 */
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";

export interface ReadReceipt {
  /** the message it sits under: one's own newest message that another member has read */
  messageId: string;
  /** the other members whose read position is at or past that message, in member-list order (never empty) */
  readers: MemberView[];
}

/**
 * The one read receipt to show in a conversation, or null.
 *
 * The rule (docs/chat-ui.md, "Read receipts"; as iMessage and Element: one marker, not one per
 * message): it sits under the newest of `meId`'s own messages in `messages` that at least one other
 * member has read up to (`lastReadSeq >= seq`); its readers are every other member who has.
 * - Oneself never counts, so one's other tabs reading do not make a message "seen".
 * - Only current members count: `members` holds no one who left or was removed, and no deleted
 *   account (their membership goes with it; a direct conversation whose other person deleted the
 *   account has only oneself left), so none of them is counted or named.
 * - A deleted message carries none (the receipt goes to the newest own message still shown); an
 *   edit changes nothing (positions compare with `seq`, where the message stands).
 * - Messages still on their way are not in `messages` (they are the outbox): they carry none.
 *
 * `messages` ascending by seq (a timeline's items). O(members + messages): one pass over the
 * members for the furthest read, one backward pass over the messages, one more over the members.
 */
export function readReceipt(conversation: Pick<ConversationView, "members">, messages: readonly MessageView[], meId: string): ReadReceipt | null {
  let furthest = 0;
  for (const m of conversation.members) if (m.id !== meId && m.lastReadSeq > furthest) furthest = m.lastReadSeq;
  if (furthest === 0) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.senderId !== meId || m.deletedAt !== null || m.seq > furthest) continue;
    const readers = conversation.members.filter((r) => r.id !== meId && r.lastReadSeq >= m.seq);
    return { messageId: m.id, readers };
  }
  return null;
}
