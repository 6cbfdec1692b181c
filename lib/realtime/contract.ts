/** The Socket.IO protocol's typed maps, shared by the server and the browser client. See docs/protocol.md. */
import type { ConversationView } from "../conversations/types";
import type { MessageView } from "../messages/types";
import type { z } from "zod";
import type { deleteMessageSchema, editMessageSchema, pinMessageSchema, reactionSchema, readSchema, sendMessageSchema, syncSchema, typingSchema } from "../messages/schemas";
import type { PublicUser } from "../people/types";
import type { DomainEvents } from "../platform/events";
import type { ErrorCode } from "../platform/errors";

export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: ErrorCode; message: string } };

type AckFn<T extends object = object> = (res: Ack<T>) => void;

export interface ServerToClientEvents {
  "message:new": (message: MessageView) => void;
  "message:updated": (message: MessageView) => void;
  "conversation:new": (conversation: ConversationView) => void;
  "conversation:updated": (conversation: ConversationView) => void;
  /** no longer a member: left on one's own (perhaps in another tab), or removed by the member `by` */
  "conversation:removed": (payload: { conversationId: string } & ({ reason: "left" } | { reason: "removed"; by: string })) => void;
  read: (payload: { conversationId: string; userId: string; seq: number }) => void;
  typing: (payload: { conversationId: string; userId: string; typing: boolean }) => void;
  presence: (payload: { userId: string; online: boolean }) => void;
  /** a display name, avatar or bio changed: sent to everyone who shares a conversation with the user, and to the user's own sockets */
  "user:updated": (user: PublicUser) => void;
  /** this node lost broadcasts from other nodes for a while (Redis was down): run `sync` again */
  resync: (payload: { reason: "redis_recovered" }) => void;
  "session:revoked": (payload: { reason: DomainEvents["sessions.ended"]["reason"] | "expired" }) => void;
}

/** A client event's payload: what its schema accepts (the server parses every payload with that schema). */
type Payload<S extends z.ZodType> = z.input<S>;

export interface ClientToServerEvents {
  "message:send": (payload: Payload<typeof sendMessageSchema>, ack: AckFn<{ message: MessageView }>) => void;
  "message:edit": (payload: Payload<typeof editMessageSchema>, ack: AckFn<{ message: MessageView }>) => void;
  "message:delete": (payload: Payload<typeof deleteMessageSchema>, ack: AckFn<{ message: MessageView }>) => void;
  /** adds / removes the caller's reaction; a no-op answers the message as it is */
  "reaction:add": (payload: Payload<typeof reactionSchema>, ack: AckFn<{ message: MessageView }>) => void;
  "reaction:remove": (payload: Payload<typeof reactionSchema>, ack: AckFn<{ message: MessageView }>) => void;
  /** pin or unpin for the whole conversation (any member; at most PIN_MAX pinned): the message as it now is */
  "message:pin": (payload: Payload<typeof pinMessageSchema>, ack: AckFn<{ message: MessageView }>) => void;
  sync: (payload: Payload<typeof syncSchema>, ack: AckFn<{ messages: MessageView[]; hasMore: boolean }>) => void;
  "conversation:read": (payload: Payload<typeof readSchema>, ack: AckFn<{ seq: number }>) => void;
  typing: (payload: Payload<typeof typingSchema>, ack: AckFn) => void;
  /** A cheap authenticated round trip; clients use it to check the connection. */
  ping: (ack: AckFn<{ userId: string }>) => void;
}

/** Every client → server event the server handles, at runtime (unknown ones are answered bad_request). */
export const CLIENT_EVENTS = [
  "message:send",
  "message:edit",
  "message:delete",
  "reaction:add",
  "reaction:remove",
  "message:pin",
  "sync",
  "conversation:read",
  "typing",
  "ping",
] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Compiles only while every event of ClientToServerEvents is in CLIENT_EVENTS (one left out would be answered "Unknown event"). */
type Unlisted = Exclude<keyof ClientToServerEvents, (typeof CLIENT_EVENTS)[number]>;
export const EVERY_EVENT_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

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
