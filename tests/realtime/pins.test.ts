/**
 * Replies and pins over real sockets (issue 13, items 2 and 6): a reply carries its original's
 * preview live and after `sync`, a bad `replyTo` is refused and stores nothing; `message:pin` reaches
 * every member as `message:updated` with a new rev that `sync` carries, repeats are answered with the
 * message as it is and tell nobody, the 51st pin is `conflict`, and GET …/pins lists newest pin first.
 */
import { randomUUID } from "node:crypto";
import type { MessageView } from "@/lib/messages/types";
import { PIN_MAX } from "@/lib/messages/rules";
import { closeTestSql, request, testSql } from "../support/api";
import { chatUser, createGroup, eventually, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

const reply = (u: ChatUser, conversationId: string, body: string, replyTo: unknown) =>
  (u.socket.timeout(10_000) as unknown as { emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; message?: MessageView; error?: { code: string; message: string } }> }).emitWithAck("message:send", {
    conversationId,
    clientId: randomUUID(),
    body,
    replyTo,
  });
const pin = (u: ChatUser, messageId: string, pinned: boolean) => u.socket.timeout(10_000).emitWithAck("message:pin", { messageId, pinned });
const sync = (u: ChatUser, since: Record<string, number>) => u.socket.timeout(10_000).emitWithAck("sync", { since });
const heard = (u: ChatUser, event: "message:new" | "message:updated") => {
  const got: MessageView[] = [];
  u.socket.on(event, (m) => got.push(m));
  return got;
};

describe("replies over sockets", () => {
  it("carry the original's preview in the ack, live and after sync; a bad replyTo is bad_request and stores nothing", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const group = await createGroup(ada, "Replies", [bob]);
    const other = await createGroup(ada, "Elsewhere", [bob]);
    const original = await send(ada, group.id, "the original");
    const foreign = await send(ada, other.id, "over there");
    if (!original.ok || !foreign.ok) throw new Error("setup send failed");
    const live = heard(bob, "message:new");

    const answer = await reply(bob, group.id, "my reply", original.message.id);
    const preview = { id: original.message.id, seq: original.message.seq, senderId: ada.id, body: "the original", deleted: false, files: [] };
    expect(answer.ok && answer.message!.replyTo).toEqual(preview);
    await eventually(() => live.some((m) => m.body === "my reply"));
    expect(live.find((m) => m.body === "my reply")!.replyTo).toEqual(preview);

    for (const bad of [foreign.message.id, randomUUID(), "not-a-uuid", 42]) {
      const refused = await reply(bob, group.id, "astray", bad);
      expect(refused).toMatchObject({ ok: false, error: { code: "bad_request" } });
    }
    expect((await testSql()`select count(*)::int as n from messages where body = 'astray'`)[0].n).toBe(0);

    // deleting the original reaches the reply's readers through sync as a blanked preview
    await ada.socket.timeout(5000).emitWithAck("message:delete", { messageId: original.message.id });
    const caught = await sync(bob, { [group.id]: 0 });
    expect(caught.ok).toBe(true);
    const synced = caught.ok ? caught.messages.find((m: MessageView) => m.body === "my reply")! : null;
    expect(synced!.replyTo).toEqual({ ...preview, body: "", deleted: true });
  });
});

describe("pins over sockets", () => {
  it("any member pins; everyone hears message:updated with a new rev that sync carries; a repeat tells nobody", async () => {
    const [ada, bob, cy] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Pins", [bob, cy]);
    const sent = await send(ada, group.id, "remember this");
    if (!sent.ok) throw new Error("setup send failed");
    const toAda = heard(ada, "message:updated");
    const toCy = heard(cy, "message:updated");

    const pinned = await pin(bob, sent.message.id, true);
    expect(pinned.ok).toBe(true);
    const message = pinned.ok ? pinned.message : null;
    expect(message).toMatchObject({ id: sent.message.id, pinnedBy: bob.id, rev: sent.message.seq + 1 });
    await eventually(() => toAda.length === 1 && toCy.length === 1);
    expect(toCy[0]).toEqual(message);

    const again = await pin(cy, sent.message.id, true);
    expect(again).toEqual({ ok: true, message });
    await settle(300);
    expect(toAda).toHaveLength(1);

    const caught = await sync(cy, { [group.id]: sent.message.seq });
    expect(caught.ok && caught.messages).toEqual([message]);

    const list = await request(`/api/conversations/${group.id}/pins`, { cookie: cy.cookie });
    expect(list.status).toBe(200);
    expect((await list.json()).messages).toEqual([message]);
    const view = await (await request(`/api/conversations/${group.id}`, { cookie: ada.cookie })).json();
    expect(view.conversation.pinnedCount).toBe(1);

    const unpinned = await pin(ada, sent.message.id, false);
    expect(unpinned.ok && unpinned.message).toMatchObject({ pinnedAt: null, pinnedBy: null, rev: message!.rev + 1 });
  });

  it(`refuses one pin past ${PIN_MAX} with conflict, bad payloads with bad_request, strangers with not_found (HTTP 404)`, async () => {
    const [ada, bob, eve] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Many pins", [bob]);
    // PIN_MAX pins straight in the database (the pin rate limit is per minute), then the next one over the socket
    const sql = testSql();
    await sql`update conversations set last_seq = ${PIN_MAX} where id = ${group.id}`;
    await sql`insert into messages (conversation_id, seq, rev, sender_id, client_id, body, pinned_at, pinned_by)
      select ${group.id}, g, g, ${ada.id}, gen_random_uuid(), 'pinned ' || g, now(), ${ada.id} from generate_series(1, ${PIN_MAX}) g`;
    const sent = await send(bob, group.id, "one too many");
    if (!sent.ok) throw new Error("setup send failed");
    const refused = await pin(bob, sent.message.id, true);
    expect(refused).toEqual({ ok: false, error: { code: "conflict", message: expect.stringContaining(`at most ${PIN_MAX}`) } });
    expect((await sql`select pinned_at from messages where id = ${sent.message.id}`)[0].pinned_at).toBeNull();

    for (const bad of [{ messageId: sent.message.id }, { messageId: sent.message.id, pinned: "yes" }, { messageId: "x", pinned: true }]) {
      const answer = await (bob.socket.timeout(5000) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck("message:pin", bad);
      expect(answer).toMatchObject({ ok: false, error: { code: "bad_request" } });
    }
    const eveSocket = connectSocket(eve.cookie);
    await connected(eveSocket);
    expect(await eveSocket.timeout(5000).emitWithAck("message:pin", { messageId: sent.message.id, pinned: true })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await request(`/api/conversations/${group.id}/pins`, { cookie: eve.cookie })).status).toBe(404);
    expect((await request(`/api/conversations/${group.id}/pins`)).status).toBe(401);
  });
});
