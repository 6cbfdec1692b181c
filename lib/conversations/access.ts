/**
 * The one membership check (Zulip's `access_message`): who may see or act in a conversation. A
 * conversation the caller is not a member of answers `not_found`, so its existence is not revealed
 * (DESIGN.md, HTTP API).
 */
import "server-only";
import { getSql } from "@/db";
import { AppError } from "../platform/errors";
import type { Tx } from "../platform/events";
import { lockConversation } from "../platform/locks";
import type { Role } from "./rules";

/** The refusal for a conversation the caller cannot see. */
export const noSuchConversation = () => new AppError("not_found", "No such conversation");

/** Throws `not_found` unless `userId` is a member of every one of `conversationIds` (now, without a lock). */
export async function requireMembership({ userId, conversationIds }: { userId: string; conversationIds: string[] }): Promise<void> {
  if (!conversationIds.length) return;
  const sql = getSql();
  const rows = await sql`select conversation_id from members where user_id = ${userId} and conversation_id = any(${conversationIds}::uuid[])`;
  if (rows.length !== conversationIds.length) throw noSuchConversation();
}

/**
 * Locks the conversation (lib/platform/locks.ts) and answers the caller's role and the conversation's
 * kind, as they stay until commit. `not_found` when there is no such conversation or the caller is not in it.
 */
export async function requireRole(tx: Tx, { userId, conversationId }: { userId: string; conversationId: string }): Promise<{ role: Role; kind: "direct" | "group" }> {
  const conversation = await lockConversation(tx, conversationId);
  if (!conversation) throw noSuchConversation();
  const [row] = await tx`select role from members where conversation_id = ${conversationId} and user_id = ${userId}`;
  if (!row) throw noSuchConversation();
  return { role: row.role, kind: conversation.kind };
}
