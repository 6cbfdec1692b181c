/** Membership and profile changes reach clients at once: sockets join or leave rooms, each user gets their view. */
import { getSql } from "@/db";
import type { PublicUser } from "../people/types";
import { listConversationViews } from "../conversations/service";
import { rooms } from "./contract";
import { getRealtimeServer, noteMembershipChange } from "./registry";

/** Puts every socket of `userIds` in the conversation's room and sends each user their view of it. */
export async function announceConversation(conversationId: string, userIds: string[], event: "conversation:new" | "conversation:updated"): Promise<void> {
  const io = getRealtimeServer();
  if (!io || userIds.length === 0) return;
  if (event === "conversation:new") {
    for (const userId of userIds) noteMembershipChange(userId, conversationId);
    io.in(userIds.map(rooms.user)).socketsJoin(rooms.conversation(conversationId));
  }
  await Promise.all(
    userIds.map(async (userId) => {
      const [view] = await listConversationViews(userId, [conversationId]);
      if (view) io.to(rooms.user(userId)).emit(event, view);
    }),
  );
}

/** Takes a removed member's sockets out of the room first, so they stop receiving at once. */
export async function announceRemoval(conversationId: string, userId: string): Promise<void> {
  const io = getRealtimeServer();
  if (!io) return;
  noteMembershipChange(userId, conversationId);
  io.in(rooms.user(userId)).socketsLeave(rooms.conversation(conversationId));
  io.to(rooms.user(userId)).emit("conversation:removed", { conversationId });
}

/**
 * Tells everyone who shares a conversation with `user` (their sockets are in its rooms) and the
 * user's own sockets (other tabs) that the public profile changed: `user:updated` PublicUser.
 * One emit to the union of rooms, so a socket in several of them gets it once; nobody else gets it.
 */
export async function announceUser(user: PublicUser): Promise<void> {
  const io = getRealtimeServer();
  if (!io) return;
  const rows = await getSql()`select conversation_id from members where user_id = ${user.id}`;
  io.to([rooms.user(user.id), ...rows.map((r) => rooms.conversation(r.conversation_id as string))]).emit("user:updated", user);
}
