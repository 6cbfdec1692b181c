/**
 * Delivery: the only place domain events become Socket.IO traffic. `startDelivery(io)` subscribes to
 * every domain event (lib/platform/events.ts) and owns the rooms: sockets join a conversation's room
 * when their user joins it and leave it when the user goes, each member gets their own view of a
 * changed conversation, and ended sessions are told and disconnected.
 */
import "server-only";
import { listConversationViews, listMembershipIds } from "../conversations/store";
import "../conversations/events";
import "../messages/events";
import "../people/events";
import { subscribe, type DomainEvent } from "../platform/events";
import "../sessions/events";
import { rooms } from "./contract";
import { sharedRoomNames } from "./memory";
import { noteMembershipChange, type RealtimeServer } from "./registry";

/** Puts every socket of `userIds` in the conversation's room (when joining) and sends each user their view of it. */
async function sendViews(io: RealtimeServer, conversationId: string, userIds: string[], event: "conversation:new" | "conversation:updated"): Promise<void> {
  if (userIds.length === 0) return;
  if (event === "conversation:new") {
    for (const userId of userIds) noteMembershipChange(userId, conversationId);
    io.in(userIds.map(rooms.user)).socketsJoin(sharedRoomNames(io.of("/").adapter, [rooms.conversation(conversationId)]));
  }
  await Promise.all(
    userIds.map(async (userId) => {
      const [view] = await listConversationViews({ userId, ids: [conversationId] });
      if (view) io.to(rooms.user(userId)).emit(event, view);
    }),
  );
}

/** Turns one domain event into emits and room changes on `io` (every node's sockets, with the Redis adapter). */
export async function deliver(io: RealtimeServer, event: DomainEvent): Promise<void> {
  switch (event.type) {
    case "message.created":
      io.to(rooms.conversation(event.message.conversationId)).emit("message:new", event.message);
      return;
    case "message.updated":
      io.to(rooms.conversation(event.message.conversationId)).emit("message:updated", event.message);
      return;
    case "message.read":
      io.to(rooms.conversation(event.conversationId)).emit("read", { conversationId: event.conversationId, userId: event.userId, seq: event.seq });
      return;
    case "conversation.joined":
      return sendViews(io, event.conversationId, event.userIds, "conversation:new");
    case "conversation.changed":
      return sendViews(io, event.conversationId, event.userIds, "conversation:updated");
    case "conversation.left":
      // The removed member's sockets leave the room first, so they stop receiving at once.
      noteMembershipChange(event.userId, event.conversationId);
      io.in(rooms.user(event.userId)).socketsLeave(rooms.conversation(event.conversationId));
      io.to(rooms.user(event.userId)).emit("conversation:removed", event.reason === "removed" ? { conversationId: event.conversationId, reason: "removed", by: event.by } : { conversationId: event.conversationId, reason: "left" });
      return;
    case "user.updated": {
      // everyone who shares a conversation with the user, and the user's own other tabs: one emit to
      // the union of rooms, so a socket in several of them gets it once
      const ids = await listMembershipIds(event.user.id);
      io.to([rooms.user(event.user.id), ...ids.map(rooms.conversation)]).emit("user:updated", event.user);
      return;
    }
    case "sessions.ended": {
      if (!event.sessionIds.length) return;
      const targets = event.sessionIds.map(rooms.session);
      io.to(targets).emit("session:revoked", { reason: event.reason });
      io.in(targets).disconnectSockets(true);
      return;
    }
    default: {
      // a new event type must be delivered (or deliberately ignored) here: this fails to compile until it is
      const unhandled: never = event;
      throw new Error(`no delivery for ${(unhandled as DomainEvent).type}`);
    }
  }
}

/** Subscribes `io` to every domain event; returns the unsubscribe (for shutdown and tests). */
export function startDelivery(io: RealtimeServer): () => void {
  return subscribe((event) => deliver(io, event));
}
