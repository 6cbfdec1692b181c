/**
 * Identities on an open page (issue 11, item 5): a direct conversation whose other member deleted
 * the account, `user:updated`, and public profiles by id for senders who are no longer members.
 * docs/protocol.md "Deleted accounts and profile changes" describes what is guarded here.
 */
import { randomUUID } from "node:crypto";
import type { PublicUser } from "@/lib/people/types";
import type { ConversationView } from "@/lib/conversations/types";
import { closeTestSql, request, testSql } from "../support/api";
import { chatUser, createDirect, createGroup, eventually, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

const deleteAccount = (u: ChatUser) => request("/api/me", { method: "DELETE", cookie: u.cookie, json: { password: u.password } });
const rename = (u: ChatUser, displayName: string) => request("/api/me", { method: "PATCH", cookie: u.cookie, json: { displayName } });

describe("a direct conversation whose other member deleted the account", () => {
  it("stays readable, says so live, and refuses new sends with 403 forbidden on the socket and HTTP", async () => {
    const [ada, eve] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, eve);
    expect(dm.peerDeleted).toBe(false);
    const before = await send(eve, dm.id, "bye for now");
    const retried = randomUUID();
    const early = await send(ada, dm.id, "see you", retried);
    expect(before.ok && early.ok).toBe(true);
    const updates: ConversationView[] = [];
    ada.socket.on("conversation:updated", (c) => updates.push(c));

    expect((await deleteAccount(eve)).status).toBe(204);
    // Ada's open page learns of it without asking
    await eventually(() => updates.some((c) => c.id === dm.id));
    const live = updates.find((c) => c.id === dm.id)!;
    expect(live).toMatchObject({ peerDeleted: true, kind: "direct" });
    expect(live.members.map((m) => m.id)).toEqual([ada.id]);

    const ack = await send(ada, dm.id, "are you there?");
    expect(ack).toEqual({ ok: false, error: { code: "forbidden", message: "This account was deleted" } });
    const http = await request(`/api/conversations/${dm.id}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: randomUUID(), body: "hello?" } });
    expect(http.status).toBe(403);
    expect(await http.json()).toEqual({ error: { code: "forbidden", message: "This account was deleted" } });
    // a retry of a send stored before the deletion is still answered with the stored message
    const again = await send(ada, dm.id, "see you", retried);
    expect(again.ok && early.ok && again.message.id === early.message.id).toBe(true);
    expect(await testSql()`select body from messages where conversation_id = ${dm.id} order by seq`).toEqual([{ body: "bye for now" }, { body: "see you" }]);

    // still readable: the history, with Eve's message kept without a sender, and the view says why
    const history = await (await request(`/api/conversations/${dm.id}/messages`, { cookie: ada.cookie })).json();
    expect(history.messages.map((m: { senderId: string | null; body: string }) => [m.senderId, m.body])).toEqual([
      [null, "bye for now"],
      [ada.id, "see you"],
    ]);
    const view = (await (await request(`/api/conversations/${dm.id}`, { cookie: ada.cookie })).json()).conversation;
    expect(view).toMatchObject({ peerDeleted: true, members: [expect.objectContaining({ id: ada.id })] });
    const list = (await (await request("/api/conversations", { cookie: ada.cookie })).json()).conversations;
    expect(list.find((c: ConversationView) => c.id === dm.id).peerDeleted).toBe(true);
  });

  it("refuses only the send into the dead conversation when it shares a batch with others (20 rounds)", async () => {
    const [ada, bob, cy, eve] = await Promise.all([chatUser(), chatUser(), chatUser(), chatUser()]);
    const dm = await createDirect(ada, eve);
    const group = await createGroup(bob, "Still here", [ada, cy]);
    expect((await deleteAccount(eve)).status).toBe(204);
    // one send per sender and round (the send limit is 30 per 10 s per user), all at once
    for (let round = 0; round < 20; round++) {
      const [dead, byBob, byCy] = await Promise.all([send(ada, dm.id, `dead ${round}`), send(bob, group.id, `bob ${round}`), send(cy, group.id, `cy ${round}`)]);
      expect(dead).toEqual({ ok: false, error: { code: "forbidden", message: "This account was deleted" } });
      expect([byBob.ok, byCy.ok]).toEqual([true, true]);
    }
    expect(await testSql()`select count(*)::int as n from messages where conversation_id = ${dm.id}`).toEqual([{ n: 0 }]);
    expect(await testSql()`select count(*)::int as n from messages where conversation_id = ${group.id}`).toEqual([{ n: 40 }]);
  });

  it("leaves groups the deleted user was in open to the others", async () => {
    const [ada, bob, eve] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(eve, "Eve's club", [ada, bob]);
    expect((await deleteAccount(eve)).status).toBe(204);
    expect((await send(ada, group.id, "we carry on")).ok).toBe(true);
    const view = (await (await request(`/api/conversations/${group.id}`, { cookie: ada.cookie })).json()).conversation;
    expect(view.peerDeleted).toBe(false);
  });
});

describe("user:updated", () => {
  it("reaches everyone who shares a conversation (once each) and one's own other tabs, and no stranger", async () => {
    const [ada, bob, cy, stranger] = await Promise.all([chatUser(), chatUser(), chatUser(), chatUser()]);
    // Bob shares two conversations with Ada, Cy one; the stranger shares a group with Bob only
    await createDirect(ada, bob);
    await createGroup(ada, "Two of them", [bob, cy]);
    await createGroup(bob, "Without Ada", [stranger]);
    const adaOtherTab = connectSocket(ada.cookie);
    await connected(adaOtherTab);
    const heard = new Map<string, PublicUser[]>();
    const listen = (name: string, socket: ChatUser["socket"]) => {
      heard.set(name, []);
      socket.on("user:updated", (u) => heard.get(name)!.push(u));
    };
    listen("bob", bob.socket);
    listen("cy", cy.socket);
    listen("stranger", stranger.socket);
    listen("ada", ada.socket);
    listen("adaOtherTab", adaOtherTab);

    const res = await rename(ada, "Ada Byron");
    expect(res.status).toBe(200);
    await eventually(() => ["bob", "cy", "ada", "adaOtherTab"].every((n) => heard.get(n)!.length > 0));
    await settle();
    const expected = { id: ada.id, username: ada.username, displayName: "Ada Byron", bio: "", avatar: null, createdAt: expect.any(String) };
    for (const name of ["bob", "cy", "ada", "adaOtherTab"]) {
      expect([name, heard.get(name)]).toEqual([name, [expected]]);
      expect(Object.keys(heard.get(name)![0]).sort()).toEqual(["avatar", "bio", "createdAt", "displayName", "id", "username"]);
    }
    expect(heard.get("stranger")).toEqual([]);

    // a change of bio is told too; one that changes nothing is not
    heard.forEach((l) => l.splice(0));
    expect((await request("/api/me", { method: "PATCH", cookie: ada.cookie, json: { bio: "Poetical science" } })).status).toBe(200);
    await eventually(() => heard.get("bob")!.length === 1);
    expect(heard.get("bob")![0].bio).toBe("Poetical science");
    heard.forEach((l) => l.splice(0));
    expect((await rename(ada, "Ada Byron")).status).toBe(200);
    await settle(500);
    expect([...heard.values()].flat()).toEqual([]);
  });

  it("stops reaching a member once they are removed", async () => {
    const [ada, bob, cy] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Short stay", [bob, cy]);
    const gone = new Promise((resolve) => cy.socket.once("conversation:removed", resolve));
    expect((await request(`/api/conversations/${group.id}/members/${cy.id}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
    await gone;
    const heardByCy: PublicUser[] = [];
    const heardByBob: PublicUser[] = [];
    cy.socket.on("user:updated", (u) => heardByCy.push(u));
    bob.socket.on("user:updated", (u) => heardByBob.push(u));
    expect((await rename(ada, "Ada the Owner")).status).toBe(200);
    await eventually(() => heardByBob.length === 1);
    await settle();
    expect(heardByCy).toEqual([]);
  });
});

describe("GET /api/users?ids= (public profiles by id)", () => {
  it("answers signed-in users with the public fields of the accounts that exist, leaving out deleted ones; bad lists are 400", async () => {
    const [ada, bob, eve] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    expect((await deleteAccount(eve)).status).toBe(204);
    const res = await request(`/api/users?ids=${bob.id},${eve.id},${bob.id}`, { cookie: ada.cookie });
    expect(res.status).toBe(200);
    const { users } = await res.json();
    expect(users).toEqual([{ id: bob.id, username: bob.username, displayName: bob.displayName, bio: "", avatar: null, createdAt: expect.any(String) }]);

    expect((await request(`/api/users?ids=${bob.id}`)).status).toBe(401);
    const tooMany = Array.from({ length: 101 }, () => randomUUID()).join(",");
    for (const ids of ["", "not-a-uuid", `${ada.id},nope`, tooMany]) {
      const bad = await request(`/api/users?ids=${encodeURIComponent(ids)}`, { cookie: ada.cookie });
      expect([ids.slice(0, 20), bad.status]).toEqual([ids.slice(0, 20), 400]);
      expect((await bad.json()).error.code).toBe("bad_request");
    }
    // ids cannot be mixed with the directory's parameters
    expect((await request(`/api/users?ids=${ada.id}&q=a`, { cookie: ada.cookie })).status).toBe(400);
  });
});
