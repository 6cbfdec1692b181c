/** Conversations and memberships: direct (one per pair) and groups with owner / admin / member roles. */
import type postgres from "postgres";
import { getSql } from "@/db";
import { AppError, signedOut } from "../platform/errors";
import { consume, limited } from "../platform/rate-limit";
import { holdUsers, lockConversation } from "../platform/locks";
import { toMessageView } from "../messages/view";
import { onlineUsers } from "../people/presence";
import type { ConversationView, MemberView } from "./types";
import { announceConversation, announceRemoval } from "../realtime/delivery";
import type { CreateConversationInput } from "./schemas";

type Role = "owner" | "admin" | "member";
type Tx = postgres.TransactionSql;

const notFound = () => new AppError("not_found", "No such conversation");

/** The conversations of `userId` as they see them, newest activity first (optionally only `ids`). */
export async function listConversationViews(userId: string, ids?: string[]): Promise<ConversationView[]> {
  const sql = getSql();
  const rows = await sql`
    select c.id, c.kind, c.title, c.created_at, c.last_seq, me.role, me.last_read_seq,
      (select count(*)::int from messages m
        where m.conversation_id = c.id and m.seq > me.last_read_seq
          and m.sender_id is distinct from ${userId} and m.deleted_at is null) as unread_count,
      (select json_agg(json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name,
                'avatar', u.avatar, 'role', mm.role, 'lastReadSeq', mm.last_read_seq) order by mm.joined_at, u.username)
        from members mm join users u on u.id = mm.user_id where mm.conversation_id = c.id) as members,
      (c.kind = 'direct' and not exists (
        select 1 from members other where other.conversation_id = c.id and other.user_id <> ${userId})) as peer_deleted,
      lm.id as lm_id, lm.seq as lm_seq, lm.rev as lm_rev, lm.sender_id as lm_sender_id, lm.client_id as lm_client_id,
      lm.body as lm_body, lm.created_at as lm_created_at, lm.edited_at as lm_edited_at, lm.deleted_at as lm_deleted_at
    from members me
    join conversations c on c.id = me.conversation_id
    left join lateral (select * from messages m where m.conversation_id = c.id order by m.seq desc limit 1) lm on true
    where me.user_id = ${userId} ${ids ? sql`and c.id in ${sql(ids)}` : sql``}
    order by coalesce(lm.created_at, c.created_at) desc, c.id`;
  const online = await onlineUsers([...new Set(rows.flatMap((r) => ((r.members ?? []) as { id: string }[]).map((m) => m.id)))]);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    createdAt: new Date(r.created_at).toISOString(),
    lastSeq: Number(r.last_seq),
    role: r.role,
    lastReadSeq: Number(r.last_read_seq),
    unreadCount: r.unread_count,
    peerDeleted: r.peer_deleted === true,
    members: ((r.members ?? []) as Omit<MemberView, "online">[]).map((m) => ({ ...m, lastReadSeq: Number(m.lastReadSeq), online: online.has(m.id) })),
    lastMessage: r.lm_id
      ? toMessageView({
          id: r.lm_id,
          conversation_id: r.id,
          seq: r.lm_seq,
          rev: r.lm_rev,
          sender_id: r.lm_sender_id,
          client_id: r.lm_client_id,
          body: r.lm_body,
          created_at: r.lm_created_at,
          edited_at: r.lm_edited_at,
          deleted_at: r.lm_deleted_at,
        })
      : null,
  }));
}

/**
 * The whole list for GET /api/conversations: listConversationViews, counted against
 * LIMITS.conversationList (rate_limited past it). Page renders use listConversationViews directly.
 */
export async function listConversations(userId: string): Promise<ConversationView[]> {
  await consume("conversationList", userId);
  return listConversationViews(userId);
}

/** One conversation as `userId` sees it; 404 for non-members (existence is not revealed). */
export async function getConversationView(userId: string, conversationId: string): Promise<ConversationView> {
  const [view] = await listConversationViews(userId, [conversationId]);
  if (!view) throw notFound();
  return view;
}

/** Who is in the conversation now (inside `tx`, under its lock: stays true until commit). */
async function memberIdsIn(tx: Tx, conversationId: string): Promise<string[]> {
  const rows = await tx`select user_id from members where conversation_id = ${conversationId} order by joined_at, user_id`;
  return rows.map((r) => r.user_id as string);
}

/**
 * Locks the conversation (lib/platform/locks.ts) and answers the caller's role and the conversation's kind, as
 * they stay until commit. `not_found` when there is no such conversation or the caller is not in it.
 */
async function requireRole(tx: Tx, userId: string, conversationId: string): Promise<{ role: Role; kind: "direct" | "group" }> {
  const conversation = await lockConversation(tx, conversationId);
  if (!conversation) throw notFound();
  const [row] = await tx`select role from members where conversation_id = ${conversationId} and user_id = ${userId}`;
  if (!row) throw notFound();
  return { role: row.role, kind: conversation.kind };
}

const noSuchPeople = () => new AppError("bad_request", "Some of those people do not exist", { memberIds: "Some of those people do not exist" });

/**
 * Starts a direct conversation (or returns the existing one: `created: false`) or creates a group
 * with the caller as owner; every member's sockets join it and get `conversation:new`. Throws
 * `rate_limited` past LIMITS.createConversation (both kinds, existing direct ones too), `bad_request`
 * (also: a member id with no account, deleted or not), `not_found` (no such user for a direct one),
 * `forbidden` (a direct conversation the caller has left), `unauthorized` (the caller's own account was
 * deleted meanwhile). The people named are held (lib/platform/locks.ts) until the conversation is committed, so
 * a deletion racing it either comes first (refused as above, nothing created) or takes them out after.
 * Two people starting their direct conversation at once get the same one (direct_key is unique).
 */
export async function createConversation(userId: string, input: CreateConversationInput): Promise<{ conversation: ConversationView; created: boolean }> {
  return limited("createConversation", userId, async () => {
    const sql = getSql();
    if (input.kind === "direct") {
      const otherId = input.userId;
      if (otherId === userId) throw new AppError("bad_request", "Start a conversation with someone else", { userId: "That is you" });
      const directKey = [userId, otherId].sort().join(":");
      const { id, created } = await sql.begin(async (tx) => {
        const found = await holdUsers(tx, [userId, otherId]);
        if (!found.has(userId)) throw signedOut();
        if (!found.has(otherId)) throw new AppError("not_found", "No such user");
        const [row] = await tx`
          insert into conversations (kind, direct_key, created_by) values ('direct', ${directKey}, ${userId})
          on conflict (direct_key) do nothing returning id`;
        if (row) {
          await tx`insert into members (conversation_id, user_id, role) values (${row.id}, ${userId}, 'member'), (${row.id}, ${otherId}, 'member')`;
          return { id: row.id as string, created: true };
        }
        // Already there, or committed a moment ago by the other person's start (the insert waited for
        // it; this statement sees it).
        const [existing] = await tx`select c.id from conversations c join members m on m.conversation_id = c.id and m.user_id = ${userId} where c.direct_key = ${directKey}`;
        if (!existing) throw new AppError("forbidden", "You can no longer write in that conversation");
        return { id: existing.id as string, created: false };
      });
      if (created) await announceConversation(id, [userId, otherId], "conversation:new");
      return { conversation: await getConversationView(userId, id), created };
    }

    const others = [...new Set(input.memberIds)].filter((id) => id !== userId);
    const id = await sql.begin(async (tx) => {
      const found = await holdUsers(tx, [userId, ...others]);
      if (!found.has(userId)) throw signedOut();
      if (others.some((o) => !found.has(o))) throw noSuchPeople();
      const [row] = await tx`insert into conversations (kind, title, created_by) values ('group', ${input.title}, ${userId}) returning id`;
      const rows = [{ conversation_id: row.id, user_id: userId, role: "owner" }, ...others.map((o) => ({ conversation_id: row.id, user_id: o, role: "member" }))];
      await tx`insert into members ${tx(rows, "conversation_id", "user_id", "role")}`;
      return row.id as string;
    });
    await announceConversation(id, [userId, ...others], "conversation:new");
    return { conversation: await getConversationView(userId, id), created: true };
  });
}

/**
 * Retitles a group (owner or admin, as they are when the change commits) and tells every member.
 * Throws `rate_limited` past LIMITS.rename, `not_found`, `bad_request`, `forbidden`.
 */
export async function renameGroup(userId: string, conversationId: string, title: string): Promise<ConversationView> {
  return limited("rename", userId, async () => {
    const members = await getSql().begin(async (tx) => {
      const { role, kind } = await requireRole(tx, userId, conversationId);
      if (kind !== "group") throw new AppError("bad_request", "Direct conversations have no title");
      if (role === "member") throw new AppError("forbidden", "Only the owner or an admin can rename the group");
      await tx`update conversations set title = ${title} where id = ${conversationId}`;
      return memberIdsIn(tx, conversationId);
    });
    await announceConversation(conversationId, members, "conversation:updated");
    return getConversationView(userId, conversationId);
  });
}

/**
 * Adds people to a group (owner or admin), at most 256 members. The people are held and the group
 * locked until commit (lib/platform/locks.ts), so an account deleted meanwhile is refused (`bad_request`,
 * fields.memberIds) or removed again by its deletion, and a role lost meanwhile is refused. Throws
 * `rate_limited` past LIMITS.addMembers, `not_found`, `bad_request`, `forbidden`.
 */
export async function addMembers(userId: string, conversationId: string, userIds: string[]): Promise<ConversationView> {
  return limited("addMembers", userId, async () => {
    const ids = [...new Set(userIds)];
    const { added, before } = await getSql().begin(async (tx) => {
      const found = await holdUsers(tx, ids); // users before the conversation: the lock order
      const { role, kind } = await requireRole(tx, userId, conversationId);
      if (kind !== "group") throw new AppError("bad_request", "Members can only be added to groups");
      if (role === "member") throw new AppError("forbidden", "Only the owner or an admin can add members");
      if (found.size !== ids.length) throw noSuchPeople();
      const before = await memberIdsIn(tx, conversationId);
      const added = ids.filter((id) => !before.includes(id));
      if (before.length + added.length > 256) throw new AppError("bad_request", "A group may have at most 256 members");
      if (added.length) {
        await tx`insert into members ${tx(added.map((id) => ({ conversation_id: conversationId, user_id: id, role: "member" })), "conversation_id", "user_id", "role")}`;
      }
      return { added, before };
    });
    if (added.length) {
      await announceConversation(conversationId, added, "conversation:new");
      await announceConversation(conversationId, before, "conversation:updated");
    }
    return getConversationView(userId, conversationId);
  });
}

/**
 * Removes `targetId` from a group: anyone may leave; the owner removes anyone, an admin removes
 * members. When the owner goes, the next in line becomes owner: the longest-standing admin, else the
 * longest-standing member (ties: lowest user id). When the last member goes, the group is deleted
 * with its history. All of it under the group's lock (lib/platform/locks.ts), so concurrent leaves, removals
 * and deletions always leave exactly one owner in a group with members (docs/integrity.md, "Item 3").
 * Throws `rate_limited` past LIMITS.removeMember (leaving counts too), `not_found`, `bad_request`, `forbidden`.
 */
export async function removeMember(userId: string, conversationId: string, targetId: string): Promise<void> {
  return limited("removeMember", userId, async () => {
    const remaining = await getSql().begin(async (tx) => {
      const { role, kind } = await requireRole(tx, userId, conversationId);
      if (kind !== "group") throw new AppError("bad_request", "You cannot leave or remove people from a direct conversation");
      if (targetId !== userId) {
        const [target] = await tx`select role from members where conversation_id = ${conversationId} and user_id = ${targetId}`;
        if (!target) throw new AppError("not_found", "That person is not a member");
        const allowed = role === "owner" || (role === "admin" && target.role === "member");
        if (!allowed) throw new AppError("forbidden", role === "member" ? "Only the owner or an admin can remove members" : "Admins can remove members only");
      }
      const [gone] = await tx`delete from members where conversation_id = ${conversationId} and user_id = ${targetId} returning role`;
      if (gone?.role === "owner") {
        await tx`
          update members set role = 'owner' where conversation_id = ${conversationId} and user_id = (
            select user_id from members where conversation_id = ${conversationId}
            order by (role = 'admin') desc, joined_at, user_id limit 1)`;
      }
      const remaining = await memberIdsIn(tx, conversationId);
      if (!remaining.length) await tx`delete from conversations where id = ${conversationId}`;
      return remaining;
    });
    await announceRemoval(conversationId, targetId);
    await announceConversation(conversationId, remaining, "conversation:updated");
  });
}
