/**
 * Conversations against PostgreSQL alone: what each change stores and exactly which domain events it
 * publishes (lib/conversations/events.ts), and that a refused change publishes nothing.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { addMembers, createConversation, removeMember, renameGroup } from "@/lib/conversations/service";
import { removalRefusal, type Role } from "@/lib/conversations/rules";
import type { SystemEvent } from "@/lib/messages/types";
import { arrangeMembers, conversationExists, newPeople, newPerson, recordEvents, rolesIn, type Person } from "../support/domain";

const recording = recordEvents();
afterAll(() => recording.stop());
beforeEach(() => recording.clear());

/** A group of `owner` with `others` as plain members; its creation is not recorded. */
async function group(owner: Person, others: Person[], title = "Team"): Promise<string> {
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title, memberIds: others.map((o) => o.id) } });
  recording.clear();
  return conversation.id;
}

/** The announcement of a timeline note (lib/conversations/notes.ts) at position `seq`. */
const note = (conversationId: string, senderId: string | null, event: SystemEvent, seq: number) => ({
  type: "message.created",
  message: expect.objectContaining({ conversationId, kind: "system", body: "", senderId, event, seq, rev: seq }),
});

/** Member ids in the order memberIdsIn lists them for members who joined together: by id. */
const byId = (people: Person[]) => people.map((p) => p.id).sort();

describe("a direct conversation", () => {
  test("starting one tells both people they joined it; starting it again returns it and tells nobody", async () => {
    const [ann, bob] = await newPeople(2);
    const first = await createConversation({ userId: ann.id, input: { kind: "direct", userId: bob.id } });
    expect(first.created).toBe(true);
    expect(first.conversation.kind).toBe("direct");
    expect(recording.events).toEqual([{ type: "conversation.joined", conversationId: first.conversation.id, userIds: [ann.id, bob.id] }]);

    recording.clear();
    const again = await createConversation({ userId: bob.id, input: { kind: "direct", userId: ann.id } });
    expect(again).toMatchObject({ created: false, conversation: { id: first.conversation.id } });
    expect(recording.events).toEqual([]);
  });

  test("two people starting it at the same moment get one conversation, announced once", async () => {
    const [ann, bob] = await newPeople(2);
    const [a, b] = await Promise.all([
      createConversation({ userId: ann.id, input: { kind: "direct", userId: bob.id } }),
      createConversation({ userId: bob.id, input: { kind: "direct", userId: ann.id } }),
    ]);
    expect(a.conversation.id).toBe(b.conversation.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(recording.of("conversation.joined")).toHaveLength(1);
    expect(recording.events).toHaveLength(1);
  });
});

describe("a group", () => {
  test("creating one makes the creator owner and tells every member they joined", async () => {
    const [ann, bob, cat] = await newPeople(3);
    const { conversation, created } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Climbing", memberIds: [bob.id, cat.id] } });
    expect(created).toBe(true);
    expect(conversation).toMatchObject({ kind: "group", title: "Climbing", role: "owner" });
    expect(await rolesIn(conversation.id)).toEqual({ [ann.id]: "owner", [bob.id]: "member", [cat.id]: "member" });
    expect(recording.events).toEqual([{ type: "conversation.joined", conversationId: conversation.id, userIds: [ann.id, bob.id, cat.id] }]);
  });

  test("a plain member may not rename it: refused forbidden, title unchanged, nothing published", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await group(ann, [bob], "Before");
    await expect(renameGroup({ userId: bob.id, conversationId: id, title: "After" })).rejects.toMatchObject({ code: "forbidden" });
    const [row] = await getSql()`select title from conversations where id = ${id}`;
    expect(row.title).toBe("Before");
    expect(recording.events).toEqual([]);
  });

  test("the owner renames it: the timeline notes it and every member is told it changed", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await group(ann, [bob], "Before");
    const view = await renameGroup({ userId: ann.id, conversationId: id, title: "After" });
    expect(view.title).toBe("After");
    expect(recording.events).toEqual([note(id, ann.id, { type: "renamed", title: "After" }, 1), { type: "conversation.changed", conversationId: id, userIds: byId([ann, bob]) }]);
  });

  test("adding people tells the added they joined, notes it in the timeline, and tells those already there that it changed", async () => {
    const [ann, bob, cat, dan] = await newPeople(4);
    const id = await group(ann, [bob]);
    const view = await addMembers({ userId: ann.id, conversationId: id, userIds: [cat.id, dan.id, bob.id] });
    expect(view.members.map((m) => m.id).sort()).toEqual(byId([ann, bob, cat, dan]));
    expect(recording.events).toEqual([
      { type: "conversation.joined", conversationId: id, userIds: [cat.id, dan.id] },
      note(id, ann.id, { type: "members_added", userIds: [cat.id, dan.id] }, 1),
      { type: "conversation.changed", conversationId: id, userIds: byId([ann, bob]) },
    ]);
  });

  test("adding only people already in it publishes nothing; a plain member adding is refused with nothing published", async () => {
    const [ann, bob, cat] = await newPeople(3);
    const id = await group(ann, [bob]);
    await addMembers({ userId: ann.id, conversationId: id, userIds: [bob.id] });
    await expect(addMembers({ userId: bob.id, conversationId: id, userIds: [cat.id] })).rejects.toMatchObject({ code: "forbidden" });
    expect(Object.keys(await rolesIn(id)).sort()).toEqual(byId([ann, bob]));
    expect(recording.events).toEqual([]);
  });

  test("someone who leaves is noted in the timeline, told they left, and the rest that it changed", async () => {
    const [ann, bob, cat] = await newPeople(3);
    const id = await group(ann, [bob, cat]);
    await removeMember({ userId: bob.id, conversationId: id, targetId: bob.id });
    expect(recording.events).toEqual([
      note(id, bob.id, { type: "member_left", userId: bob.id }, 1),
      { type: "conversation.left", conversationId: id, userId: bob.id, reason: "left" },
      { type: "conversation.changed", conversationId: id, userIds: byId([ann, cat]) },
    ]);
  });

  test("when the owner leaves, the longest-standing admin becomes owner, ahead of longer-standing members", async () => {
    const [owner, oldMember, oldAdmin, newAdmin] = await newPeople(4);
    const id = await group(owner, [oldMember, oldAdmin, newAdmin]);
    await arrangeMembers(id, [
      { id: owner.id, role: "owner" },
      { id: oldMember.id, role: "member" },
      { id: oldAdmin.id, role: "admin" },
      { id: newAdmin.id, role: "admin" },
    ]);
    await removeMember({ userId: owner.id, conversationId: id, targetId: owner.id });
    expect(await rolesIn(id)).toEqual({ [oldMember.id]: "member", [oldAdmin.id]: "owner", [newAdmin.id]: "admin" });
    expect(recording.events).toEqual([
      note(id, owner.id, { type: "member_left", userId: owner.id }, 1),
      note(id, null, { type: "owner_changed", userId: oldAdmin.id }, 2),
      { type: "conversation.left", conversationId: id, userId: owner.id, reason: "left" },
      { type: "conversation.changed", conversationId: id, userIds: [oldMember.id, oldAdmin.id, newAdmin.id] },
    ]);
  });

  test("when the owner leaves a group without admins, the longest-standing member becomes owner", async () => {
    const [owner, newer, older] = await newPeople(3);
    const id = await group(owner, [newer, older]);
    await arrangeMembers(id, [
      { id: owner.id, role: "owner" },
      { id: older.id, role: "member" },
      { id: newer.id, role: "member" },
    ]);
    await removeMember({ userId: owner.id, conversationId: id, targetId: owner.id });
    expect(await rolesIn(id)).toEqual({ [older.id]: "owner", [newer.id]: "member" });
  });

  test("owner and admin leaving at the same moment leave the remaining member as the one owner", async () => {
    const [owner, admin, member] = await newPeople(3);
    const id = await group(owner, [admin, member]);
    await arrangeMembers(id, [
      { id: owner.id, role: "owner" },
      { id: admin.id, role: "admin" },
      { id: member.id, role: "member" },
    ]);
    await Promise.all([owner, admin].map((p) => removeMember({ userId: p.id, conversationId: id, targetId: p.id })));
    expect(await rolesIn(id)).toEqual({ [member.id]: "owner" });
    expect(recording.of("conversation.left").map((e) => e.userId).sort()).toEqual(byId([owner, admin]));
  });

  test("when the last member leaves, the group is deleted", async () => {
    const [ann, bob] = await newPeople(2);
    const id = await group(ann, [bob]);
    await removeMember({ userId: bob.id, conversationId: id, targetId: bob.id });
    recording.clear();
    await removeMember({ userId: ann.id, conversationId: id, targetId: ann.id });
    expect(await conversationExists(id)).toBe(false);
    // nobody is left to tell about the change, nor a timeline to note it in
    expect(recording.events).toEqual([{ type: "conversation.left", conversationId: id, userId: ann.id, reason: "left" }]);
  });

  test("a non-member cannot remove anyone: not_found, as if there were no such group", async () => {
    const [ann, bob, stranger] = await newPeople(3);
    const id = await group(ann, [bob]);
    await expect(removeMember({ userId: stranger.id, conversationId: id, targetId: bob.id })).rejects.toMatchObject({ code: "not_found" });
    expect(recording.events).toEqual([]);
  });
});

describe("a group created with a clientId (the creator's idempotency key)", () => {
  const groupsBy = async (creator: Person) => Number((await getSql()`select count(*) from conversations where created_by = ${creator.id}`)[0].count);

  test("a retry with the same clientId answers the group it made, created: false, whatever its title and members, and tells nobody again", async () => {
    const [ann, bob, cat] = await newPeople(3);
    const clientId = randomUUID();
    const first = await createConversation({ userId: ann.id, input: { kind: "group", title: "Trip", memberIds: [bob.id], clientId } });
    expect(first.created).toBe(true);
    recording.clear();
    const again = await createConversation({ userId: ann.id, input: { kind: "group", title: "Trip, renamed in the dialog", memberIds: [bob.id, cat.id], clientId } });
    expect(again).toEqual({ conversation: first.conversation, created: false });
    expect(recording.events).toEqual([]);
    expect(await rolesIn(first.conversation.id)).toEqual({ [ann.id]: "owner", [bob.id]: "member" });
    expect(await groupsBy(ann)).toBe(1);
  });

  test("the key is the creator's own: another person's same clientId makes their own group; without one, each call makes a new group", async () => {
    const [ann, bob] = await newPeople(2);
    const clientId = randomUUID();
    const annGroup = await createConversation({ userId: ann.id, input: { kind: "group", title: "Mine", memberIds: [bob.id], clientId } });
    const bobGroup = await createConversation({ userId: bob.id, input: { kind: "group", title: "Mine", memberIds: [ann.id], clientId } });
    expect(bobGroup.created).toBe(true);
    expect(bobGroup.conversation.id).not.toBe(annGroup.conversation.id);
    await createConversation({ userId: ann.id, input: { kind: "group", title: "Mine", memberIds: [bob.id] } });
    await createConversation({ userId: ann.id, input: { kind: "group", title: "Mine", memberIds: [bob.id] } });
    expect(await groupsBy(ann)).toBe(3);
  });

  test("retries racing the first creation make one group, announced once (8 at once, 15 rounds)", async () => {
    for (let round = 0; round < 15; round++) {
      const [ann, bob] = await newPeople(2);
      const clientId = randomUUID();
      recording.clear();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => createConversation({ userId: ann.id, input: { kind: "group", title: `Round ${round}`, memberIds: [bob.id], clientId } })),
      );
      const ids = new Set(answers.map((a) => a.conversation.id));
      expect(ids.size).toBe(1);
      expect(answers.filter((a) => a.created)).toHaveLength(1);
      expect(await groupsBy(ann)).toBe(1);
      expect(recording.of("conversation.joined")).toEqual([{ type: "conversation.joined", conversationId: [...ids][0], userIds: [ann.id, bob.id] }]);
    }
  });

  test("a retry after the creator left the group is refused forbidden and makes no second group; one after a named member deleted their account still answers the group", async () => {
    const [ann, bob, cat] = await newPeople(3);
    const left = randomUUID();
    const { conversation } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Left", memberIds: [bob.id], clientId: left } });
    await removeMember({ userId: ann.id, conversationId: conversation.id, targetId: ann.id });
    recording.clear();
    await expect(createConversation({ userId: ann.id, input: { kind: "group", title: "Left", memberIds: [bob.id], clientId: left } })).rejects.toMatchObject({ code: "forbidden" });
    expect(recording.events).toEqual([]);
    expect(await groupsBy(ann)).toBe(1);

    const kept = randomUUID();
    const made = await createConversation({ userId: ann.id, input: { kind: "group", title: "Kept", memberIds: [bob.id, cat.id], clientId: kept } });
    await getSql()`delete from users where id = ${cat.id}`;
    const again = await createConversation({ userId: ann.id, input: { kind: "group", title: "Kept", memberIds: [bob.id, cat.id], clientId: kept } });
    expect(again.created).toBe(false);
    expect(again.conversation.id).toBe(made.conversation.id);
  });
});

describe("who may remove whom is removalRefusal, the rule the group settings use", () => {
  const roles: Role[] = ["owner", "admin", "member"];
  // one owner per group: the owner can only meet another owner in themself
  const cases = roles.flatMap((actorRole) =>
    roles.flatMap((targetRole) => [
      ...(actorRole === targetRole ? [{ actorRole, targetRole, self: true }] : []),
      ...(actorRole === "owner" && targetRole === "owner" ? [] : [{ actorRole, targetRole, self: false }]),
    ]),
  );

  test.each(cases)("$actorRole removing $targetRole (self: $self)", async ({ actorRole, targetRole, self }) => {
    const owner = await newPerson("owner");
    const [admin, otherAdmin, member, otherMember] = await newPeople(4);
    const id = await group(owner, [admin, otherAdmin, member, otherMember]);
    await arrangeMembers(id, [
      { id: owner.id, role: "owner" },
      { id: admin.id, role: "admin" },
      { id: otherAdmin.id, role: "admin" },
      { id: member.id, role: "member" },
      { id: otherMember.id, role: "member" },
    ]);
    const actor = { owner, admin, member }[actorRole];
    const target = self ? actor : { owner, admin: otherAdmin, member: otherMember }[targetRole];
    const before = await rolesIn(id);
    const refusal = removalRefusal({ actorRole, targetRole, self });

    const attempt = removeMember({ userId: actor.id, conversationId: id, targetId: target.id });
    if (refusal) {
      await expect(attempt).rejects.toMatchObject({ code: "forbidden", message: refusal });
      expect(await rolesIn(id)).toEqual(before);
      expect(recording.events).toEqual([]);
    } else {
      await attempt;
      expect(Object.keys(await rolesIn(id))).not.toContain(target.id);
      // the note first, so a removed member's sockets get it while still in the room
      expect(recording.events.map((e) => e.type)).toEqual(["message.created", ...(target.id === owner.id ? ["message.created"] : []), "conversation.left", "conversation.changed"]);
      expect(recording.events[0]).toEqual(note(id, actor.id, self ? { type: "member_left", userId: actor.id } : { type: "member_removed", userId: target.id }, 1));
      expect(recording.of("conversation.left")).toEqual([
        { type: "conversation.left", conversationId: id, userId: target.id, ...(self ? { reason: "left" } : { reason: "removed", by: actor.id }) },
      ]);
    }
  });
});
