/**
 * Timeline notes over real sockets (DESIGN.md: system messages take a seq like any message, so they
 * arrive live as `message:new` and `sync` carries them): every member gets them, the removed member
 * too, before `conversation:removed`, which says who removed them.
 */
import type { MessageView } from "@/lib/messages/types";
import { closeTestSql, request } from "../support/api";
import { chatUser, createGroup, eventually, send, settle } from "../support/chat";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

const notes = (received: MessageView[]) => received.filter((m) => m.kind === "system").map((m) => ({ seq: m.seq, senderId: m.senderId, event: m.event, body: m.body }));

it("renames, additions and removals reach every member live; the removed member gets the note, then why", async () => {
  const [ada, bob, cy, dan] = await Promise.all([chatUser(), chatUser(), chatUser(), chatUser()]);
  const group = await createGroup(ada, "Engines", [bob, cy]);
  // what reaches cy, in arrival order
  const cyLog: unknown[] = [];
  cy.socket.on("message:new", (m) => cyLog.push({ note: m.event }));
  cy.socket.on("conversation:removed", (p) => cyLog.push({ removed: p }));

  expect((await request(`/api/conversations/${group.id}`, { method: "PATCH", cookie: ada.cookie, json: { title: "Compilers" } })).status).toBe(200);
  expect((await request(`/api/conversations/${group.id}/members`, { method: "POST", cookie: ada.cookie, json: { userIds: [dan.id] } })).status).toBe(200);
  expect((await request(`/api/conversations/${group.id}/members/${cy.id}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(200);

  const expected = [
    { seq: 1, senderId: ada.id, event: { type: "renamed", title: "Compilers" }, body: "" },
    { seq: 2, senderId: ada.id, event: { type: "members_added", userIds: [dan.id] }, body: "" },
    { seq: 3, senderId: ada.id, event: { type: "member_removed", userId: cy.id }, body: "" },
  ];
  await eventually(() => notes(bob.received).length === 3 && notes(ada.received).length === 3 && cyLog.length === 4);
  expect(notes(bob.received)).toEqual(expected);
  expect(notes(ada.received)).toEqual(expected);
  // the added member's sockets are in the room when the note about them goes out
  await eventually(() => notes(dan.received).length === 2);
  expect(notes(dan.received)).toEqual(expected.slice(1));
  expect(cyLog).toEqual([
    { note: expected[0].event },
    { note: expected[1].event },
    { note: expected[2].event },
    { removed: { conversationId: group.id, reason: "removed", by: ada.id } },
  ]);

  // and nothing after that
  const sent = await send(ada, group.id, "cy cannot see this");
  await eventually(() => bob.received.some((m) => sent.ok && m.id === sent.message.id));
  await settle();
  expect(cyLog).toHaveLength(4);
});

it("one who leaves is told it was their own doing; the owner's departure and the new owner reach a member who was away through sync", async () => {
  const [ada, bob, cy] = await Promise.all([chatUser(), chatUser(), chatUser()]);
  const group = await createGroup(ada, "Club", [bob, cy]);
  const hello = await send(bob, group.id, "hello");
  if (!hello.ok) throw new Error("send failed");
  await eventually(() => cy.received.length === 1);
  cy.socket.disconnect();

  const left = new Promise((r) => ada.socket.once("conversation:removed", r));
  expect((await request(`/api/conversations/${group.id}/members/${ada.id}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
  expect(await left).toEqual({ conversationId: group.id, reason: "left" });

  const back = connectSocket(cy.cookie);
  await connected(back);
  const res = await back.timeout(5000).emitWithAck("sync", { since: { [group.id]: hello.message.seq } });
  expect(res).toMatchObject({ ok: true, hasMore: false });
  if (!res.ok) return;
  // bob and cy joined together: the lower id is next in line (lib/conversations/store.ts promoteHeirs)
  const heir = [bob.id, cy.id].sort()[0];
  expect(notes(res.messages)).toEqual([
    { seq: 2, senderId: ada.id, event: { type: "member_left", userId: ada.id }, body: "" },
    { seq: 3, senderId: null, event: { type: "owner_changed", userId: heir }, body: "" },
  ]);
  expect(res.messages.every((m: MessageView) => m.kind === "system" && m.rev === m.seq)).toBe(true);
  // they count as unread for nobody
  const list = await (await request(`/api/conversations/${group.id}`, { cookie: cy.cookie })).json();
  expect(list.conversation).toMatchObject({ lastSeq: 3, unreadCount: 1 });
});
