/** Conversations as each member sees them (browser-safe). */
import type { MessageView } from "../messages/types";
import type { Role } from "./rules";

export interface MemberView {
  id: string;
  username: string;
  displayName: string;
  avatar: string | null;
  role: Role;
  lastReadSeq: number;
  online: boolean;
}

export interface ConversationView {
  id: string;
  kind: "direct" | "group";
  /** groups only; a direct conversation is titled by the other member's name */
  title: string | null;
  createdAt: string;
  lastSeq: number;
  members: MemberView[];
  /** the caller's role and read position */
  role: Role;
  lastReadSeq: number;
  unreadCount: number;
  lastMessage: MessageView | null;
  /**
   * Direct conversations only: the other member deleted their account. The conversation stays
   * readable (their messages show as "Deleted user") and refuses new sends (403 / ack `forbidden`).
   */
  peerDeleted: boolean;
  /** unread messages that mention the caller or everyone (a self-mention never counts) */
  unreadMentions: number;
  /** the caller's own notification level here (default "all") */
  notifications: NotificationLevel;
  /** messages pinned in this conversation (at most PIN_MAX in lib/messages/rules.ts) */
  pinnedCount: number;
}

/** all: every message notifies and counts; mentions: only mentions notify (counts stay); none: muted, only a mention dot. */
export type NotificationLevel = "all" | "mentions" | "none";

/** A conversation with its newest page of messages, as the page that opens it sends them. */
export interface OpeningView {
  conversation: ConversationView;
  messages: MessageView[];
  hasMore: boolean;
}
