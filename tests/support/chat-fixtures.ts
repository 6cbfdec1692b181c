/** Ids, messages and a direct conversation for the chat client's unit tests (no server). */
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

export const ME = "11111111-1111-4111-8111-111111111111";
export const ADA = "22222222-2222-4222-8222-222222222222";
export const C1 = "33333333-3333-4333-8333-333333333333";

/** Message `seq` of C1 from Ada (rev = seq), with any field replaced by `over`. */
export function message(seq: number, over: Partial<MessageView> = {}): MessageView {
  return {
    ...PLAIN_TEXT,
    id: `m${seq}`,
    conversationId: C1,
    seq,
    rev: seq,
    senderId: ADA,
    clientId: `k${seq}`,
    body: `body ${seq}`,
    createdAt: new Date(Date.UTC(2026, 2, 1, 11, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    ...over,
  };
}

/** A member entry (role "member", nothing read, offline) with any field replaced by `over`. */
export function member(id: string, name: string, over: Partial<MemberView> = {}): MemberView {
  return { id, username: name.toLowerCase(), displayName: name, avatar: null, role: "member", lastReadSeq: 0, online: false, ...over };
}

/**
 * A conversation as ME sees it: by default the direct conversation C1, no members listed, nothing
 * in it, nothing unread, notifications "all"; any field replaced by `over`.
 */
export function conversationView(over: Partial<ConversationView> = {}): ConversationView {
  return {
    id: C1,
    kind: "direct",
    title: null,
    createdAt: "2026-03-01T10:00:00.000Z",
    lastSeq: 0,
    peerDeleted: false,
    members: [],
    role: "member",
    lastReadSeq: 0,
    unreadCount: 0,
    unreadMentions: 0,
    notifications: "all",
    pinnedCount: 0,
    lastMessage: null,
    ...over,
  };
}

/** The direct conversation C1 with Ada, read up to `lastSeq`. */
export function directConversation(lastSeq: number): ConversationView {
  return conversationView({ lastSeq, lastReadSeq: lastSeq });
}

/** A group "Team" with these members, seen by a member whose role is `role`, nothing in it yet. */
export function groupConversation(members: ConversationView["members"], role: ConversationView["role"]): ConversationView {
  return conversationView({ id: "55555555-5555-4555-8555-555555555555", kind: "group", title: "Team", members, role });
}
