/**
 * Changing conversations: direct (one per pair) and groups with owner / admin / member roles. Every
 * check runs inside the transaction, under the locks of lib/platform/locks.ts; what changed is
 * published after commit (conversations/events.ts) and never sent to sockets from here.
 */
import "server-only";
import { AppError, signedOut } from "../platform/errors";
import { transaction } from "@/db/transaction";
import { holdUsers } from "../platform/locks";
import type { Tx } from "../platform/events";
import { limited } from "../platform/rate-limit";
import { requireRole } from "./access";
import "./events";
import { recordNotes, type Note } from "./notes";
import { canManageGroup, GROUP_MAX_MEMBERS, removalRefusal } from "./rules";
import type { CreateConversationInput } from "./schemas";
import { getConversationView, memberIdsIn, promoteHeirs } from "./store";
import type { ConversationView } from "./types";

const noSuchPeople = () => new AppError("bad_request", "Some of those people do not exist", { memberIds: "Some of those people do not exist" });

/**
 * Starts a direct conversation (or returns the existing one: `created: false`) or creates a group
 * with the caller as owner; `conversation.joined` tells every member. Throws `rate_limited` past
 * LIMITS.createConversation (both kinds, existing direct ones too), `bad_request` (also: a member id
 * with no account, deleted or not), `not_found` (no such user for a direct one), `forbidden` (a direct
 * conversation the caller has left), `unauthorized` (the caller's own account was deleted meanwhile).
 * The people named are held (lib/platform/locks.ts) until the conversation is committed, so a deletion
 * racing it either comes first (refused as above, nothing created) or takes them out after. Two
 * people starting their direct conversation at once get the same one (direct_key is unique).
 * A group's optional `clientId` is the creator's idempotency key, as a message's is: the same caller
 * sending it again (a retry after an answer that never came) gets the group it created, whatever the
 * title and members, with `created: false` and no second `conversation.joined`; `forbidden` once they
 * left it. Without one, each call makes a new group.
 */
export async function createConversation({ userId, input }: { userId: string; input: CreateConversationInput }): Promise<{ conversation: ConversationView; created: boolean }> {
  return limited("createConversation", userId, async () => {
    if (input.kind === "direct") {
      const otherId = input.userId;
      if (otherId === userId) throw new AppError("bad_request", "Start a conversation with someone else", { userId: "That is you" });
      const directKey = [userId, otherId].sort().join(":");
      const { id, created } = await transaction(async (tx, emit) => {
        const found = await holdUsers(tx, [userId, otherId]);
        if (!found.has(userId)) throw signedOut();
        if (!found.has(otherId)) throw new AppError("not_found", "No such user");
        const [row] = await tx`
          insert into conversations (kind, direct_key, created_by) values ('direct', ${directKey}, ${userId})
          on conflict (direct_key) do nothing returning id`;
        if (row) {
          await tx`insert into members (conversation_id, user_id, role) values (${row.id}, ${userId}, 'member'), (${row.id}, ${otherId}, 'member')`;
          emit({ type: "conversation.joined", conversationId: row.id, userIds: [userId, otherId] });
          return { id: row.id as string, created: true };
        }
        // Already there, or committed a moment ago by the other person's start (the insert waited for
        // it; this statement sees it).
        const [existing] = await tx`select c.id from conversations c join members m on m.conversation_id = c.id and m.user_id = ${userId} where c.direct_key = ${directKey}`;
        if (!existing) throw new AppError("forbidden", "You can no longer write in that conversation");
        return { id: existing.id as string, created: false };
      });
      return { conversation: await getConversationView({ userId, conversationId: id }), created };
    }

    const others = [...new Set(input.memberIds)].filter((id) => id !== userId);
    const clientId = input.clientId ?? null;
    const { id, created } = await transaction(async (tx, emit) => {
      const found = await holdUsers(tx, [userId, ...others]);
      if (!found.has(userId)) throw signedOut();
      // A retry of a creation that was stored (its answer lost): the unique (created_by, client_id)
      // makes a racing twin wait for this one's commit and then store nothing.
      const [row] = await tx`
        insert into conversations (kind, title, created_by, client_id) values ('group', ${input.title}, ${userId}, ${clientId})
        on conflict (created_by, client_id) do nothing returning id`;
      if (!row) return { id: await groupCreatedBefore(tx, userId, clientId!), created: false };
      // checked after the retry's answer: someone named then may have deleted their account since
      if (others.some((o) => !found.has(o))) throw noSuchPeople();
      const rows = [{ conversation_id: row.id, user_id: userId, role: "owner" }, ...others.map((o) => ({ conversation_id: row.id, user_id: o, role: "member" }))];
      await tx`insert into members ${tx(rows, "conversation_id", "user_id", "role")}`;
      emit({ type: "conversation.joined", conversationId: row.id, userIds: [userId, ...others] });
      return { id: row.id as string, created: true };
    });
    return { conversation: await getConversationView({ userId, conversationId: id }), created };
  });
}

/**
 * The group `userId` created with `clientId` (a creation retried): its id while they are still in it;
 * `forbidden` once they have left it (it stays theirs to have made, not to read).
 */
async function groupCreatedBefore(tx: Tx, userId: string, clientId: string): Promise<string> {
  const [existing] = await tx`
    select c.id, m.user_id as member from conversations c left join members m on m.conversation_id = c.id and m.user_id = ${userId}
    where c.created_by = ${userId} and c.client_id = ${clientId}`;
  if (!existing?.member) throw new AppError("forbidden", "You have left the group this request created");
  return existing.id as string;
}

/**
 * Retitles a group (owner or admin, as they are when the change commits), notes it in the timeline
 * (`renamed`, the caller as sender) and tells every member. The same title again changes nothing and
 * notes nothing. Throws `rate_limited` past LIMITS.rename, `not_found`, `bad_request`, `forbidden`.
 */
export async function renameGroup({ userId, conversationId, title }: { userId: string; conversationId: string; title: string }): Promise<ConversationView> {
  return limited("rename", userId, async () => {
    await transaction(async (tx, emit) => {
      const { role, kind } = await requireRole(tx, { userId, conversationId });
      if (kind !== "group") throw new AppError("bad_request", "Direct conversations have no title");
      if (!canManageGroup(role)) throw new AppError("forbidden", "Only the owner or an admin can rename the group");
      const [before] = await tx`select title from conversations where id = ${conversationId}`;
      if (before.title === title) return;
      await tx`update conversations set title = ${title} where id = ${conversationId}`;
      await recordNotes(tx, emit, [{ conversationId, senderId: userId, event: { type: "renamed", title } }]);
      emit({ type: "conversation.changed", conversationId, userIds: await memberIdsIn(tx, conversationId) });
    });
    return getConversationView({ userId, conversationId });
  });
}

/**
 * Adds people to a group (owner or admin), at most GROUP_MAX_MEMBERS members, and notes it in the
 * timeline (`members_added`, the caller as sender, the new members in the order asked). The people
 * are held and the group locked until commit (lib/platform/locks.ts), so an account deleted meanwhile is refused
 * (`bad_request`, fields.memberIds) or removed again by its deletion, and a role lost meanwhile is
 * refused. Throws `rate_limited` past LIMITS.addMembers, `not_found`, `bad_request`, `forbidden`.
 */
export async function addMembers({ userId, conversationId, userIds }: { userId: string; conversationId: string; userIds: string[] }): Promise<ConversationView> {
  return limited("addMembers", userId, async () => {
    const ids = [...new Set(userIds)];
    await transaction(async (tx, emit) => {
      const found = await holdUsers(tx, ids); // users before the conversation: the lock order
      const { role, kind } = await requireRole(tx, { userId, conversationId });
      if (kind !== "group") throw new AppError("bad_request", "Members can only be added to groups");
      if (!canManageGroup(role)) throw new AppError("forbidden", "Only the owner or an admin can add members");
      if (found.size !== ids.length) throw noSuchPeople();
      const before = await memberIdsIn(tx, conversationId);
      const added = ids.filter((id) => !before.includes(id));
      if (before.length + added.length > GROUP_MAX_MEMBERS) throw new AppError("bad_request", `A group may have at most ${GROUP_MAX_MEMBERS} members`);
      if (!added.length) return;
      await tx`insert into members ${tx(added.map((id) => ({ conversation_id: conversationId, user_id: id, role: "member" })), "conversation_id", "user_id", "role")}`;
      emit({ type: "conversation.joined", conversationId, userIds: added });
      // after `conversation.joined`, so the added members' sockets are in the room when the note goes out
      await recordNotes(tx, emit, [{ conversationId, senderId: userId, event: { type: "members_added", userIds: added } }]);
      emit({ type: "conversation.changed", conversationId, userIds: before });
    });
    return getConversationView({ userId, conversationId });
  });
}

/**
 * Removes `targetId` from a group: who may remove whom is conversations/rules.ts `removalRefusal`.
 * When the owner goes, the next in line becomes owner (store.ts `promoteHeirs`). When the last member
 * goes, the group is deleted with its history. The timeline notes it (conversations/notes.ts):
 * `member_removed` (sender: the remover) or `member_left` (sender: the leaver), then `owner_changed`
 * (sender: null) when an owner left; nothing when the group is gone. The note is announced before
 * `conversation.left`, so a removed member's sockets get it while still in the room, and
 * `conversation.left` says why (`reason`, and `by` for a removal). All of it under the group's lock
 * (lib/platform/locks.ts), so concurrent leaves, removals and deletions always leave exactly one owner
 * in a group with members (docs/integrity.md, "Item 3"). Throws `rate_limited` past
 * LIMITS.removeMember (leaving counts too), `not_found`, `bad_request`, `forbidden`.
 */
export async function removeMember({ userId, conversationId, targetId }: { userId: string; conversationId: string; targetId: string }): Promise<void> {
  return limited("removeMember", userId, async () => {
    await transaction(async (tx, emit) => {
      const { role, kind } = await requireRole(tx, { userId, conversationId });
      if (kind !== "group") throw new AppError("bad_request", "You cannot leave or remove people from a direct conversation");
      const [target] = await tx`select role from members where conversation_id = ${conversationId} and user_id = ${targetId}`;
      if (targetId !== userId) {
        if (!target) throw new AppError("not_found", "That person is not a member");
        const refusal = removalRefusal({ actorRole: role, targetRole: target.role, self: false });
        if (refusal) throw new AppError("forbidden", refusal);
      }
      const heirs = target?.role === "owner" ? await promoteHeirs(tx, { ownerId: targetId, conversationIds: [conversationId] }) : new Map<string, string>();
      await tx`delete from members where conversation_id = ${conversationId} and user_id = ${targetId}`;
      const remaining = await memberIdsIn(tx, conversationId);
      if (!remaining.length) await tx`delete from conversations where id = ${conversationId}`;
      else if (target) {
        const self = targetId === userId;
        const notes: Note[] = [{ conversationId, senderId: userId, event: self ? { type: "member_left", userId } : { type: "member_removed", userId: targetId } }];
        const heir = heirs.get(conversationId);
        if (heir) notes.push({ conversationId, senderId: null, event: { type: "owner_changed", userId: heir } });
        await recordNotes(tx, emit, notes);
      }
      emit({ type: "conversation.left", conversationId, userId: targetId, ...(targetId === userId ? { reason: "left" as const } : { reason: "removed" as const, by: userId }) });
      if (remaining.length) emit({ type: "conversation.changed", conversationId, userIds: remaining });
    });
  });
}

