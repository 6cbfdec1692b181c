/**
 * Timeline notes (DESIGN.md, "Contract additions: Messages": `kind: "system"`) against PostgreSQL
 * alone: each group change writes exactly its note, on the conversation's next positions, in the
 * transaction of the change; a refused change or a group's creation writes none; notes count as
 * unread for nobody and cannot be changed.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { addMembers, createConversation, removeMember, renameGroup } from "@/lib/conversations/service";
import { getConversationView } from "@/lib/conversations/store";
import { deleteMessage, editMessage } from "@/lib/messages/edit";
import { syncMessages } from "@/lib/messages/history";
import { sendMessage } from "@/lib/messages/send";
import { arrangeMembers, newPeople, type Person } from "../support/domain";

async function groupOf(owner: Person, others: Person[], title = "Team"): Promise<string> {
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title, memberIds: others.map((o) => o.id) } });
  return conversation.id;
}

/** Everything stored in the conversation, in position order, as `sync` hands it to `reader`. */
async function timelineOf(reader: Person, conversationId: string) {
  const { messages } = await syncMessages({ userId: reader.id, since: { [conversationId]: 0 } });
  return messages.map((m) => ({ seq: m.seq, rev: m.rev, kind: m.kind, senderId: m.senderId, body: m.body, event: m.event }));
}

async function lastSeq(conversationId: string): Promise<number> {
  const [row] = await getSql()`select last_seq from conversations where id = ${conversationId}`;
  return Number(row.last_seq);
}

const text = (seq: number, senderId: string, body: string) => ({ seq, rev: seq, kind: "text", senderId, body, event: null });
const system = (seq: number, senderId: string | null, event: object) => ({ seq, rev: seq, kind: "system", senderId, body: "", event });

test("creating a group notes nothing", async () => {
  const [ann, bob] = await newPeople(2);
  const id = await groupOf(ann, [bob]);
  expect(await timelineOf(bob, id)).toEqual([]);
  expect(await lastSeq(id)).toBe(0);
});

test("rename, add, removal, leave and a new owner each write exactly their note, on consecutive positions among the messages", async () => {
  const [ann, bob, cat, dan, eve] = await newPeople(5);
  const id = await groupOf(ann, [bob, cat]);
  await renameGroup({ userId: ann.id, conversationId: id, title: "Compilers" });
  await sendMessage({ conversationId: id, senderId: bob.id, clientId: randomUUID(), body: "hi" });
  await addMembers({ userId: ann.id, conversationId: id, userIds: [eve.id, dan.id] });
  await removeMember({ userId: ann.id, conversationId: id, targetId: cat.id });
  await arrangeMembers(id, [{ id: ann.id, role: "owner" }, { id: bob.id, role: "member" }, { id: eve.id, role: "member" }, { id: dan.id, role: "member" }]);
  await removeMember({ userId: ann.id, conversationId: id, targetId: ann.id });

  expect(await timelineOf(bob, id)).toEqual([
    system(1, ann.id, { type: "renamed", title: "Compilers" }),
    text(2, bob.id, "hi"),
    system(3, ann.id, { type: "members_added", userIds: [eve.id, dan.id] }),
    system(4, ann.id, { type: "member_removed", userId: cat.id }),
    // the owner left: their note, then the new owner's with no sender (nobody chose them)
    system(5, ann.id, { type: "member_left", userId: ann.id }),
    system(6, null, { type: "owner_changed", userId: bob.id }),
  ]);
  expect(await lastSeq(id)).toBe(6);
});

test("a refused change, the same title again, or adding people already there notes nothing", async () => {
  const [ann, bob, cat, stranger] = await newPeople(4);
  const id = await groupOf(ann, [bob, cat], "Same");
  await expect(renameGroup({ userId: bob.id, conversationId: id, title: "Mine" })).rejects.toMatchObject({ code: "forbidden" });
  await expect(addMembers({ userId: bob.id, conversationId: id, userIds: [stranger.id] })).rejects.toMatchObject({ code: "forbidden" });
  await expect(addMembers({ userId: ann.id, conversationId: id, userIds: [randomUUID()] })).rejects.toMatchObject({ code: "bad_request" });
  await expect(removeMember({ userId: bob.id, conversationId: id, targetId: cat.id })).rejects.toMatchObject({ code: "forbidden" });
  await expect(removeMember({ userId: stranger.id, conversationId: id, targetId: cat.id })).rejects.toMatchObject({ code: "not_found" });
  await renameGroup({ userId: ann.id, conversationId: id, title: "Same" });
  await addMembers({ userId: ann.id, conversationId: id, userIds: [bob.id] });
  expect(await timelineOf(ann, id)).toEqual([]);
  expect(await lastSeq(id)).toBe(0);
});

test("two renames at once: each note lands with its own change, so the last note names the title that stayed", async () => {
  const [ann, bob] = await newPeople(2);
  const id = await groupOf(ann, [bob]);
  await arrangeMembers(id, [{ id: ann.id, role: "owner" }, { id: bob.id, role: "admin" }]);
  await Promise.all([renameGroup({ userId: ann.id, conversationId: id, title: "One" }), renameGroup({ userId: bob.id, conversationId: id, title: "Two" })]);
  const notes = await timelineOf(ann, id);
  expect(notes.map((n) => n.seq)).toEqual([1, 2]);
  const [row] = await getSql()`select title from conversations where id = ${id}`;
  expect(notes[1].event).toEqual({ type: "renamed", title: row.title });
});

test("notes count as unread for nobody and cannot be edited or deleted", async () => {
  const [ann, bob, cat] = await newPeople(3);
  const id = await groupOf(ann, [bob]);
  await renameGroup({ userId: ann.id, conversationId: id, title: "Renamed" });
  await addMembers({ userId: ann.id, conversationId: id, userIds: [cat.id] });
  for (const who of [ann, bob, cat]) expect(await getConversationView({ userId: who.id, conversationId: id })).toMatchObject({ unreadCount: 0, unreadMentions: 0, lastSeq: 2 });
  const [renamed] = await syncMessages({ userId: ann.id, since: { [id]: 0 } }).then((r) => r.messages);
  await expect(editMessage({ userId: ann.id, messageId: renamed.id, body: "changed" })).rejects.toMatchObject({ code: "forbidden" });
  await expect(deleteMessage({ userId: ann.id, messageId: renamed.id })).rejects.toMatchObject({ code: "forbidden" });
});
