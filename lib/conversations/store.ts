/** Conversation rows and the views members get of them. */
import "server-only";
import type { PendingQuery, Row } from "postgres";
import { getSql } from "@/db";
import { messageRowsById } from "@/db/message-rows";
import { toMessageView } from "../messages/types";
import { onlineUsers } from "../people/presence";
import { batchedLookup } from "../platform/batch";
import { consume } from "../platform/rate-limit";
import { singleton } from "../platform/singleton";
import type { Tx } from "../platform/events";
import { noSuchConversation } from "./access";
import type { ConversationView, MemberView } from "./types";

/**
 * The conversations of `userId` as they see them, newest activity first (optionally only `ids`).
 * Two reads at once, on two of the pool's connections: the conversations with their counts and then
 * their last messages (by the ids the first statement read, with its position and unread counts), and
 * beside them the members (memberRows), which finds the caller's memberships itself (`mine`) instead of
 * waiting for the list's ids: at 200 conversations and 1,100 members it is the longest of the three statements.
 */
export async function listConversationViews({ userId, ids }: { userId: string; ids?: string[] }): Promise<ConversationView[]> {
  const sql = getSql();
  const mine = sql`me.user_id = ${userId} ${ids ? sql`and me.conversation_id = any(${ids}::uuid[])` : sql``}`;
  const listed = (async () => {
    const rows = await sql`
      select c.id, c.kind, c.title, c.created_at, c.last_seq, me.role, me.last_read_seq, me.notifications,
        unread.count as unread_count, unread.mentions as unread_mentions,
        (select count(*)::int from messages p where p.conversation_id = c.id and p.pinned_at is not null) as pinned_count,
        (c.kind = 'direct' and not exists (
          select 1 from members other where other.conversation_id = c.id and other.user_id <> ${userId})) as peer_deleted,
        lm.id as lm_id
      from members me
      join conversations c on c.id = me.conversation_id
      left join lateral (select m.id, m.created_at from messages m where m.conversation_id = c.id order by m.seq desc limit 1) lm on true
      -- unread: others' live text messages after one's read position (system notes count for nobody);
      -- mentions: those naming oneself or everyone (DESIGN.md)
      cross join lateral (
        select count(*)::int as count,
          (count(*) filter (where m.mentions && array[${userId}::text, 'all']))::int as mentions
        from messages m
        where m.conversation_id = c.id and m.seq > me.last_read_seq and m.kind = 'text'
          and m.sender_id is distinct from ${userId} and m.deleted_at is null) unread
      where ${mine}
      order by coalesce(lm.created_at, c.created_at) desc, c.id`;
    const last = await messageRowsById(sql, rows.flatMap((r) => (r.lm_id ? [r.lm_id as string] : [])));
    return { rows, lastRows: new Map(last.map((row) => [row.id, row])) };
  })();
  const [{ rows, lastRows }, membersOf] = await Promise.all([listed, memberRows(mine)]);
  const online = await onlineUsers([...new Set([...membersOf.values()].flatMap((list) => list.map((m) => m[0])))]);
  return rows.map((r) => {
    const last = r.lm_id ? lastRows.get(r.lm_id as string) : undefined;
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      createdAt: new Date(r.created_at).toISOString(),
      lastSeq: Number(r.last_seq),
      role: r.role,
      lastReadSeq: Number(r.last_read_seq),
      unreadCount: r.unread_count,
      peerDeleted: r.peer_deleted === true,
      members: (membersOf.get(r.id) ?? []).map(([id, username, displayName, avatar, role, lastReadSeq]) => ({ id, username, displayName, avatar, role, lastReadSeq, online: online.has(id) })),
      lastMessage: last ? toMessageView(last) : null,
      unreadMentions: r.unread_mentions,
      notifications: r.notifications,
      pinnedCount: r.pinned_count,
    };
  });
}

/** A member as memberRows reads it: the MemberView's fields but `online`, in its order. */
type MemberRow = [id: string, username: string, displayName: string, avatar: string | null, role: MemberView["role"], lastReadSeq: number];

/**
 * The members of each conversation of the memberships `mine` selects (a condition on `members me`), in
 * joining order (then by username), read in one statement for the whole list: one aggregate per
 * conversation, each with a sort, was most of the list's time in PostgreSQL at 10M messages (9.6 of
 * 16 ms for 200 conversations, docs/growth-plans.md). The conversation ids are an InitPlan's array, so
 * their members are read through the primary key (as a join, PostgreSQL hashed all of members). They stay
 * tuples until the caller makes each MemberView once, `online` included: a list of 200 conversations
 * holds about 1,100 members, and an object made and then copied with a spread per member cost more than
 * the rows' parsing.
 */
async function memberRows(mine: PendingQuery<Row[]>): Promise<Map<string, MemberRow[]>> {
  const byConversation = new Map<string, MemberRow[]>();
  const sql = getSql();
  const rows = await sql`
    select mm.conversation_id, u.id, u.username, u.display_name, u.avatar, mm.role, mm.last_read_seq
    from members mm join users u on u.id = mm.user_id
    where mm.conversation_id = any(array(select me.conversation_id from members me where ${mine}))
    order by mm.conversation_id, mm.joined_at, u.username`.values();
  for (const [conversationId, id, username, displayName, avatar, role, lastReadSeq] of rows) {
    const member: MemberRow = [id, username, displayName, avatar, role, Number(lastReadSeq)];
    const list = byConversation.get(conversationId as string);
    if (list) list.push(member);
    else byConversation.set(conversationId as string, [member]);
  }
  return byConversation;
}

/**
 * The whole list for GET /api/conversations: listConversationViews, counted against
 * LIMITS.conversationList (rate_limited past it). Page renders use listConversationViews directly.
 */
export async function listConversations({ userId }: { userId: string }): Promise<ConversationView[]> {
  await consume("conversationList", userId);
  return listConversationViews({ userId });
}

/** One conversation as `userId` sees it; 404 for non-members (existence is not revealed). */
export async function getConversationView({ userId, conversationId }: { userId: string; conversationId: string }): Promise<ConversationView> {
  const [view] = await listConversationViews({ userId, ids: [conversationId] });
  if (!view) throw noSuchConversation();
  return view;
}

/** Who is in the conversation now (inside `tx`, under its lock: stays true until commit). */
export async function memberIdsIn(tx: Tx, conversationId: string): Promise<string[]> {
  const rows = await tx`select user_id from members where conversation_id = ${conversationId} order by joined_at, user_id`;
  return rows.map((r) => r.user_id as string);
}

/**
 * Owner succession, the one place it is written: in each of
 * `conversationIds` where `ownerId` is the owner, the next in line among the other members becomes
 * owner: the longest-standing admin, else the longest-standing member, ties by lowest user id. Run
 * under the conversations' locks (lib/platform/locks.ts), before the owner's membership goes.
 * Returns the new owner by conversation (none where `ownerId` was not the owner or was alone).
 */
export async function promoteHeirs(tx: Tx, { ownerId, conversationIds }: { ownerId: string; conversationIds: string[] }): Promise<Map<string, string>> {
  if (!conversationIds.length) return new Map();
  const rows = await tx`
    update members m set role = 'owner'
    from (
      select distinct on (heir.conversation_id) heir.conversation_id, heir.user_id
      from members heir
      join members owner on owner.conversation_id = heir.conversation_id and owner.user_id = ${ownerId} and owner.role = 'owner'
      where heir.user_id <> ${ownerId} and heir.conversation_id = any(${conversationIds}::uuid[])
      order by heir.conversation_id, (heir.role = 'admin') desc, heir.joined_at, heir.user_id
    ) chosen
    where m.conversation_id = chosen.conversation_id and m.user_id = chosen.user_id
    returning m.conversation_id, m.user_id`;
  return new Map(rows.map((r) => [r.conversation_id as string, r.user_id as string]));
}

/** The memberships of many users in one query: conversation ids by user id. */
async function loadMembershipIds(userIds: string[]): Promise<Map<string, string[]>> {
  const sql = getSql();
  const rows = await sql`select user_id, conversation_id from members where user_id = any(${userIds}::uuid[])`;
  const byUser = new Map<string, string[]>();
  for (const r of rows) {
    const list = byUser.get(r.user_id as string);
    if (list) list.push(r.conversation_id as string);
    else byUser.set(r.user_id as string, [r.conversation_id as string]);
  }
  return byUser;
}

// Every socket handshake and reconcile reads its user's memberships: after a restart the whole crowd
// does at once, so concurrent reads share one query (lib/platform/batch.ts).
const membershipLookup = () => singleton("conversations.membershipLookup", () => batchedLookup(loadMembershipIds));

/**
 * The conversations `userId` is a member of, by id (for rooms and announcements), as they are when
 * the call is made or later. Concurrent calls are answered by one query.
 */
export async function listMembershipIds(userId: string): Promise<string[]> {
  return (await membershipLookup()(userId)) ?? [];
}
