/**
 * Accounts and sessions against PostgreSQL alone: which sessions a password change or an account
 * deletion ends (`sessions.ended`), what the remaining members of the account's conversations are
 * told, and that a refused or lost attempt publishes nothing.
 */
import { randomUUID } from "node:crypto";
import { getSql } from "@/db";
import { changePassword, deleteAccount } from "@/lib/accounts/settings";
import { createConversation } from "@/lib/conversations/service";
import { sendMessage } from "@/lib/messages/send";
import { endSession } from "@/lib/sessions/end";
import { arrangeMembers, conversationExists, newPeople, newPerson, newSession, PASSWORD, recordEvents, rolesIn } from "../support/domain";

const recording = recordEvents();
afterAll(() => recording.stop());

/** The ids among `sessionIds` that are still live. */
async function live(sessionIds: string[]): Promise<string[]> {
  const rows = await getSql()`select id from sessions where id in ${getSql()(sessionIds)} and revoked_at is null`;
  return rows.map((r) => r.id as string).sort();
}

describe("changing the password", () => {
  test("ends every other session of the user, and only those", async () => {
    const [ann, bob] = await newPeople(2);
    const [acting, phone, laptop] = [await newSession(ann), await newSession(ann), await newSession(ann)];
    const bobs = await newSession(bob);
    recording.clear();

    await changePassword({ userId: ann.id, sessionId: acting.id, currentPassword: PASSWORD, newPassword: "a brand new secret" });
    expect(recording.events).toEqual([{ type: "sessions.ended", sessionIds: expect.any(Array), reason: "password_changed" }]);
    expect(recording.of("sessions.ended")[0].sessionIds.sort()).toEqual([phone.id, laptop.id].sort());
    expect(await live([acting.id, phone.id, laptop.id, bobs.id])).toEqual([acting.id, bobs.id].sort());
  });

  test("with the wrong current password: refused, no session ended, nothing published", async () => {
    const ann = await newPerson();
    const [acting, other] = [await newSession(ann), await newSession(ann)];
    recording.clear();
    await expect(changePassword({ userId: ann.id, sessionId: acting.id, currentPassword: "not it", newPassword: "a brand new secret" })).rejects.toMatchObject({
      code: "forbidden",
      fields: { currentPassword: "Wrong password" },
    });
    expect(recording.events).toEqual([]);
    expect(await live([acting.id, other.id])).toEqual([acting.id, other.id].sort());
  });

  test("two changes at the same moment: one wins and ends the other's session, the loser publishes nothing", async () => {
    const ann = await newPerson();
    const [first, second] = [await newSession(ann), await newSession(ann)];
    recording.clear();
    const outcomes = await Promise.allSettled([
      changePassword({ userId: ann.id, sessionId: first.id, currentPassword: PASSWORD, newPassword: "first new secret" }),
      changePassword({ userId: ann.id, sessionId: second.id, currentPassword: PASSWORD, newPassword: "second new secret" }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const winner = outcomes[0].status === "fulfilled" ? first : second;
    const loser = winner === first ? second : first;
    expect(outcomes.find((o) => o.status === "rejected")).toMatchObject({ reason: { code: "forbidden" } });
    expect(recording.events).toEqual([{ type: "sessions.ended", sessionIds: [loser.id], reason: "password_changed" }]);
    expect(await live([first.id, second.id])).toEqual([winner.id]);
  });
});

describe("signing out", () => {
  test("ends that one session", async () => {
    const ann = await newPerson();
    const [leaving, staying] = [await newSession(ann), await newSession(ann)];
    recording.clear();
    await endSession({ sessionId: leaving.id });
    expect(recording.events).toEqual([{ type: "sessions.ended", sessionIds: [leaving.id], reason: "signed_out" }]);
    expect(await live([leaving.id, staying.id])).toEqual([staying.id]);
  });
});

describe("deleting the account", () => {
  test("ends its sessions, hands its groups to the next in line, notes both in their timelines, and tells the remaining members", async () => {
    const [ann, admin, member, friend] = await newPeople(4);
    const sessions = [await newSession(ann), await newSession(ann)];
    const { conversation: team } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Team", memberIds: [member.id, admin.id] } });
    await arrangeMembers(team.id, [
      { id: ann.id, role: "owner" },
      { id: member.id, role: "member" },
      { id: admin.id, role: "admin" },
    ]);
    const { conversation: direct } = await createConversation({ userId: ann.id, input: { kind: "direct", userId: friend.id } });
    const { conversation: alone } = await createConversation({ userId: ann.id, input: { kind: "group", title: "Notes", memberIds: [] } });
    const { message } = await sendMessage({ conversationId: direct.id, senderId: ann.id, clientId: randomUUID(), body: "bye" });
    recording.clear();

    await deleteAccount({ userId: ann.id, sessionId: sessions[0].id, password: PASSWORD });

    // one event per remaining conversation, in no particular order; member lists likewise
    const told = (conversationId: string) =>
      recording.of("conversation.changed").filter((e) => e.conversationId === conversationId).map((e) => [...e.userIds].sort());
    // a group notes the departure and the new owner, without a sender (the account is gone); a direct conversation notes nothing
    expect(recording.events.map((e) => e.type)).toEqual(["sessions.ended", "message.created", "message.created", "conversation.changed", "conversation.changed"]);
    expect(recording.of("message.created").map((e) => e.message)).toEqual([
      expect.objectContaining({ conversationId: team.id, kind: "system", senderId: null, event: { type: "member_left", userId: ann.id }, seq: team.lastSeq + 1 }),
      expect.objectContaining({ conversationId: team.id, kind: "system", senderId: null, event: { type: "owner_changed", userId: admin.id }, seq: team.lastSeq + 2 }),
    ]);
    expect(recording.of("sessions.ended")).toEqual([{ type: "sessions.ended", sessionIds: expect.any(Array), reason: "deleted" }]);
    expect(recording.of("sessions.ended")[0].sessionIds.sort()).toEqual(sessions.map((s) => s.id).sort());
    expect(told(team.id)).toEqual([[admin.id, member.id].sort()]);
    expect(told(direct.id)).toEqual([[friend.id]]);

    expect(await rolesIn(team.id)).toEqual({ [admin.id]: "owner", [member.id]: "member" });
    expect(await rolesIn(direct.id)).toEqual({ [friend.id]: "member" });
    expect(await conversationExists(alone.id)).toBe(false);
    const [kept] = await getSql()`select sender_id, body from messages where id = ${message.id}`;
    expect(kept).toEqual({ sender_id: null, body: "bye" });
    expect(await live(sessions.map((s) => s.id))).toEqual([]);
  });

  test("with the wrong password, or from a session already ended: refused, nothing published", async () => {
    const ann = await newPerson();
    const [acting, ended] = [await newSession(ann), await newSession(ann)];
    await endSession({ sessionId: ended.id });
    recording.clear();
    await expect(deleteAccount({ userId: ann.id, sessionId: acting.id, password: "not it" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteAccount({ userId: ann.id, sessionId: ended.id, password: PASSWORD })).rejects.toMatchObject({ code: "unauthorized" });
    expect(recording.events).toEqual([]);
    expect(await live([acting.id])).toEqual([acting.id]);
  });
});
