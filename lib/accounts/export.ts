/** The data export (GET /api/me/export). */
import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { attachments, conversations, members, messages, sessions } from "@/db/schema";
import { getUserById } from "../people/store";
import { toOwnProfile } from "../people/types";
import { signedOut } from "../platform/errors";
import { consume } from "../platform/rate-limit";

/** Everything Parley holds about the user, as one JSON document. */
export async function exportUserData({ userId }: { userId: string }) {
  await consume("export", userId); // rate_limited past LIMITS.export
  const db = getDb();
  const user = await getUserById(userId);
  if (!user) throw signedOut();
  const [sessionRows, membershipRows, messageRows, fileRows] = await Promise.all([
    db
      .select({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, revokedAt: sessions.revokedAt, userAgent: sessions.userAgent })
      .from(sessions)
      .where(eq(sessions.userId, userId))
      .orderBy(sessions.createdAt),
    db
      .select({ id: conversations.id, kind: conversations.kind, title: conversations.title, createdAt: conversations.createdAt, role: members.role, joinedAt: members.joinedAt })
      .from(members)
      .innerJoin(conversations, eq(conversations.id, members.conversationId))
      .where(eq(members.userId, userId))
      .orderBy(conversations.createdAt),
    db
      .select({ id: messages.id, conversationId: messages.conversationId, seq: messages.seq, kind: messages.kind, event: messages.event, body: messages.body, createdAt: messages.createdAt, editedAt: messages.editedAt, deletedAt: messages.deletedAt })
      .from(messages)
      .where(eq(messages.senderId, userId))
      .orderBy(messages.conversationId, messages.seq),
    // the files one uploaded (sent or not): listed with where they went; their bytes are at `url`
    db
      .select({ id: attachments.id, name: attachments.name, contentType: attachments.contentType, size: attachments.size, conversationId: attachments.conversationId, messageId: attachments.messageId, createdAt: attachments.createdAt })
      .from(attachments)
      .where(eq(attachments.uploaderId, userId))
      .orderBy(attachments.createdAt),
  ]);
  return {
    format: "parley-export/1",
    exportedAt: new Date().toISOString(),
    profile: toOwnProfile(user),
    sessions: sessionRows,
    conversations: membershipRows,
    messages: messageRows.map((m) => (m.deletedAt ? { ...m, body: "" } : m)),
    attachments: fileRows.map((a) => ({ ...a, url: `/api/attachments/${a.id}` })),
  };
}
