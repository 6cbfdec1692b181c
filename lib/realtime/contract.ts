/** The Socket.IO protocol's typed maps, shared by the server and the browser client. See docs/protocol.md. */
import type { PublicUser } from "../accounts/register";
import type { ErrorCode } from "../platform/errors";

export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: ErrorCode; message: string } };

type AckFn<T extends object = object> = (res: Ack<T>) => void;

/** A message as every client sees it. `seq`/`rev` are numbers, times ISO strings. */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  /** the position of its last change: seq when created, a new position on edit or delete */
  rev: number;
  /** null once the sender deleted their account ("Deleted user") */
  senderId: string | null;
  clientId: string;
  /** "" once deleted */
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

export interface MemberView {
  id: string;
  username: string;
  displayName: string;
  avatar: string | null;
  role: "owner" | "admin" | "member";
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
  role: "owner" | "admin" | "member";
  lastReadSeq: number;
  unreadCount: number;
  lastMessage: MessageView | null;
  /**
   * Direct conversations only: the other member deleted their account. The conversation stays
   * readable (their messages show as "Deleted user") and refuses new sends (403 / ack `forbidden`).
   */
  peerDeleted: boolean;
}

/** A conversation with its newest page of messages, as the page that opens it sends them. */
export interface OpeningView {
  conversation: ConversationView;
  messages: MessageView[];
  hasMore: boolean;
}

export interface ServerToClientEvents {
  "message:new": (message: MessageView) => void;
  "message:updated": (message: MessageView) => void;
  "conversation:new": (conversation: ConversationView) => void;
  "conversation:updated": (conversation: ConversationView) => void;
  "conversation:removed": (payload: { conversationId: string }) => void;
  read: (payload: { conversationId: string; userId: string; seq: number }) => void;
  typing: (payload: { conversationId: string; userId: string; typing: boolean }) => void;
  presence: (payload: { userId: string; online: boolean }) => void;
  /** a display name, avatar or bio changed: sent to everyone who shares a conversation with the user, and to the user's own sockets */
  "user:updated": (user: PublicUser) => void;
  /** this node lost broadcasts from other nodes for a while (Redis was down): run `sync` again */
  resync: (payload: { reason: "redis_recovered" }) => void;
  "session:revoked": (payload: { reason: "signed_out" | "deleted" | "password_changed" | "expired" }) => void;
}

export interface ClientToServerEvents {
  "message:send": (payload: { conversationId: string; clientId: string; body: string }, ack: AckFn<{ message: MessageView }>) => void;
  "message:edit": (payload: { messageId: string; body: string }, ack: AckFn<{ message: MessageView }>) => void;
  "message:delete": (payload: { messageId: string }, ack: AckFn<{ message: MessageView }>) => void;
  sync: (payload: { since: Record<string, number> }, ack: AckFn<{ messages: MessageView[]; hasMore: boolean }>) => void;
  "conversation:read": (payload: { conversationId: string; seq: number }, ack: AckFn) => void;
  typing: (payload: { conversationId: string; typing: boolean }, ack: AckFn) => void;
  /** A cheap authenticated round trip; clients use it to check the connection. */
  ping: (ack: AckFn<{ userId: string }>) => void;
}

/** Every client → server event the server handles, at runtime (unknown ones are answered bad_request). */
export const CLIENT_EVENTS = [
  "message:send",
  "message:edit",
  "message:delete",
  "sync",
  "conversation:read",
  "typing",
  "ping",
] as const satisfies readonly (keyof ClientToServerEvents)[];

export interface SocketData {
  userId: string;
  sessionId: string;
  /** when the session expires (ms since the epoch): the socket is closed then */
  sessionExpiresAt: number;
}

export const rooms = {
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
  conversation: (id: string) => `conversation:${id}`,
};
