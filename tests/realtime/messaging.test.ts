import { randomUUID } from "node:crypto";
import type { MessageView } from "@/lib/messages/types";
import { closeTestSql, createAccount, request, testSql } from "../support/api";
import { chatUser, createDirect, createGroup, eventually, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";
import { multipart } from "../support/files";

afterEach(closeAllSockets);
afterAll(closeTestSql);

describe("sending", () => {
  it("delivers to every member and to no one else, after the message is committed", async () => {
    const [ada, bob, cy, outsider] = await Promise.all([chatUser(), chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Engines", [bob, cy]);

    const res = await send(ada, group.id, "  Hello, engines!  ");
    const storedAtAck = await testSql()`select body, seq::int from messages where id = ${res.ok ? res.message.id : ""}`;
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.message).toMatchObject({ conversationId: group.id, seq: 1, rev: 1, senderId: ada.id, body: "Hello, engines!", editedAt: null, deletedAt: null });
    expect(typeof res.message.seq).toBe("number");
    expect(storedAtAck).toEqual([{ body: "Hello, engines!", seq: 1 }]);

    await eventually(() => bob.received.length === 1 && cy.received.length === 1 && ada.received.length === 1);
    expect(bob.received[0]).toEqual(res.message);
    expect(cy.received[0]).toEqual(res.message);
    await settle();
    expect(outsider.received).toEqual([]);
  });

  it("stores a retried clientId once and answers with the stored message", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const clientId = randomUUID();
    const [a, b] = await Promise.all([send(ada, dm.id, "once", clientId), send(ada, dm.id, "once", clientId)]);
    const c = await send(ada, dm.id, "once, later", clientId);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(b.message).toEqual(a.message);
    expect(c.message).toEqual(a.message);
    expect(await testSql()`select id from messages where conversation_id = ${dm.id}`).toHaveLength(1);
    await settle();
    expect(bob.received.map((m) => m.id)).toEqual([a.message.id]);
    // REST retries of the same clientId answer 200 with the same message
    const rest = await request(`/api/conversations/${dm.id}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId, body: "again" } });
    expect(rest.status).toBe(200);
    expect((await rest.json()).message).toEqual(a.message);
  });

  it("numbers concurrent sends from many members without gaps or repeats", async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => chatUser()));
    const group = await createGroup(users[0], "Busy", users.slice(1));
    const acks = await Promise.all(users.flatMap((u) => Array.from({ length: 6 }, (_, i) => send(u, group.id, `${u.username} #${i}`))));
    expect(acks.every((a) => a.ok)).toBe(true);
    const seqs = acks.map((a) => (a.ok ? a.message.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await eventually(() => users.every((u) => u.received.length === 30));
    for (const u of users) expect(u.received.map((m) => m.seq)).toEqual(seqs); // each in seq order
  });

  it("mirrors the socket send over REST, emitting to the room", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const res = await request(`/api/conversations/${dm.id}/messages`, { method: "POST", cookie: ada.cookie, json: { clientId: randomUUID(), body: "over http" } });
    expect(res.status).toBe(201);
    const { message } = await res.json();
    await eventually(() => bob.received.some((m) => m.id === message.id));
  });
});

describe("catch-up and history", () => {
  it("sync after a disconnect returns exactly the missed messages, in order", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const first = await send(ada, dm.id, "before");
    await eventually(() => bob.received.length === 1);
    bob.socket.disconnect();
    const missed = [];
    for (let i = 0; i < 5; i++) missed.push(await send(ada, dm.id, `while away ${i}`));
    const back = connectSocket(bob.cookie);
    await connected(back);
    const since = { [dm.id]: first.ok ? first.message.rev : 0 };
    const res = await back.timeout(5000).emitWithAck("sync", { since });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.hasMore).toBe(false);
    expect(res.messages).toEqual(missed.map((m) => (m.ok ? m.message : null)));
  });

  it("pages a long catch-up with hasMore", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const sql = testSql();
    await sql`insert into messages (conversation_id, seq, rev, sender_id, client_id, body)
      select ${dm.id}, g, g, ${ada.id}, gen_random_uuid(), 'bulk ' || g from generate_series(1, 620) g`;
    await sql`update conversations set last_seq = 620 where id = ${dm.id}`;
    const seen: number[] = [];
    let since = 0;
    for (;;) {
      const res = await bob.socket.timeout(5000).emitWithAck("sync", { since: { [dm.id]: since } });
      if (!res.ok) throw new Error(res.error.message);
      seen.push(...res.messages.map((m: MessageView) => m.seq));
      since = res.messages.at(-1)?.rev ?? since;
      if (!res.hasMore) break;
    }
    expect(seen).toEqual(Array.from({ length: 620 }, (_, i) => i + 1));

    const newest = await (await request(`/api/conversations/${dm.id}/messages?limit=100`, { cookie: bob.cookie })).json();
    expect(newest.messages.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 521 + i));
    expect(newest.hasMore).toBe(true);
    const older = await (await request(`/api/conversations/${dm.id}/messages?before=521&limit=20`, { cookie: bob.cookie })).json();
    expect(older.messages.map((m: { seq: number }) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 501 + i));
    const after = await (await request(`/api/conversations/${dm.id}/messages?after=615`, { cookie: bob.cookie })).json();
    expect(after).toMatchObject({ hasMore: false });
    expect(after.messages.map((m: { seq: number }) => m.seq)).toEqual([616, 617, 618, 619, 620]);
  });
});

describe("history's query", () => {
  it("takes positions and limits as digits only, each once, and the pinned list takes no parameters: anything else is 400 in the error shape", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    for (let i = 1; i <= 5; i++) expect((await send(ada, dm.id, `m${i}`)).ok).toBe(true);
    const path = `/api/conversations/${dm.id}`;
    // an empty cursor was read as 0 ("no history"), hex, exponents and padding as numbers, a repeat as its last value
    for (const qs of ["before=", "around=", "after=", "around=0x3", "around=1e3", "around=%203", "around=-1", "limit=", "around=3&around=5", "before=4&before=2"]) {
      const res = await request(`${path}/messages?${qs}`, { cookie: bob.cookie });
      expect({ qs, status: res.status, code: (await res.json()).error?.code }).toEqual({ qs, status: 400, code: "bad_request" });
    }
    const pins = await request(`${path}/pins?x=1`, { cookie: bob.cookie });
    expect({ status: pins.status, code: (await pins.json()).error?.code }).toEqual({ status: 400, code: "bad_request" });
    // what is well-formed still answers
    const page = await (await request(`${path}/messages?around=3&limit=3`, { cookie: bob.cookie })).json();
    expect(page.messages.map((m: { seq: number }) => m.seq)).toEqual([2, 3, 4]);
    expect((await request(`${path}/pins`, { cookie: bob.cookie })).status).toBe(200);
  });
});

describe("edit and delete", () => {
  it("propagate to the room, take new positions, and come back through sync", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const sent = await send(ada, dm.id, "frist");
    if (!sent.ok) throw new Error("send failed");
    const edited = await ada.socket.timeout(5000).emitWithAck("message:edit", { messageId: sent.message.id, body: "first" });
    expect(edited).toMatchObject({ ok: true, message: { id: sent.message.id, seq: 1, rev: 2, body: "first", editedAt: expect.any(String) } });
    const deleted = await ada.socket.timeout(5000).emitWithAck("message:delete", { messageId: sent.message.id });
    expect(deleted).toMatchObject({ ok: true, message: { seq: 1, rev: 3, body: "", deletedAt: expect.any(String) } });
    await eventually(() => bob.received.length === 3);
    expect(bob.received.map((m) => [m.rev, m.body])).toEqual([
      [1, "frist"],
      [2, "first"],
      [3, ""],
    ]);
    const res = await bob.socket.timeout(5000).emitWithAck("sync", { since: { [dm.id]: 1 } });
    expect(res).toMatchObject({ ok: true, hasMore: false, messages: [{ id: sent.message.id, rev: 3, deletedAt: expect.any(String) }] });
  });

  it("lets a user change only their own messages", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const sent = await send(ada, dm.id, "mine");
    if (!sent.ok) throw new Error("send failed");
    expect(await bob.socket.timeout(5000).emitWithAck("message:edit", { messageId: sent.message.id, body: "yours now" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await bob.socket.timeout(5000).emitWithAck("message:delete", { messageId: sent.message.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await testSql()`select body from messages where id = ${sent.message.id}`)[0].body).toBe("mine");
  });
});

describe("editing a message with files", () => {
  it("may remove its text, as a send may have none; a message without files cannot be emptied", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const { body, contentType } = multipart([{ field: "file", filename: "plan.txt", type: "text/plain", data: "the plan" }]);
    const up = await request("/api/attachments", { method: "POST", cookie: ada.cookie, body: new Uint8Array(body), headers: { "content-type": contentType } });
    expect(up.status).toBe(201);
    const { attachment } = await up.json();
    const a = ada.socket.timeout(5000);
    const withFile = await a.emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "caption", attachmentIds: [attachment.id] });
    const plain = await send(ada, dm.id, "just text");
    if (!withFile.ok || !plain.ok) throw new Error("send failed");
    for (const emptied of ["", "   \n "]) {
      const res = await a.emitWithAck("message:edit", { messageId: withFile.message.id, body: emptied });
      expect(res).toMatchObject({ ok: true, message: { body: "", editedAt: expect.any(String), attachments: [{ id: attachment.id }] } });
    }
    expect(await a.emitWithAck("message:edit", { messageId: plain.message.id, body: "" })).toMatchObject({ ok: false, error: { code: "bad_request", message: "A message cannot be empty" } });
    expect(await a.emitWithAck("message:edit", { messageId: plain.message.id, body: " " })).toMatchObject({ ok: false, error: { code: "bad_request" } });
    expect((await testSql()`select body from messages where id = ${plain.message.id}`)[0].body).toBe("just text");

    // a reply to it quotes its file, live and in history (its text is gone: the quote names the file)
    const reply = await bob.socket.timeout(5000).emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "nice plan", replyTo: withFile.message.id });
    expect(reply).toMatchObject({ ok: true, message: { replyTo: { id: withFile.message.id, body: "", deleted: false, files: ["plan.txt"] } } });
    const history = await (await request(`/api/conversations/${dm.id}/messages`, { cookie: bob.cookie })).json();
    expect(history.messages.find((m: MessageView) => m.body === "nice plan").replyTo).toMatchObject({ body: "", files: ["plan.txt"] });
    const textReply = await bob.socket.timeout(5000).emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "and this", replyTo: plain.message.id });
    expect(textReply).toMatchObject({ ok: true, message: { replyTo: { body: "just text", files: [] } } });
  });
});

describe("membership", () => {
  it("reaches added members live and stops delivery to a removed member at once", async () => {
    const [ada, bob, cy] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(ada, "Club", [bob]);
    const added = new Promise((r) => cy.socket.once("conversation:new", r));
    const res = await request(`/api/conversations/${group.id}/members`, { method: "POST", cookie: ada.cookie, json: { userIds: [cy.id] } });
    expect(res.status).toBe(200);
    expect(await added).toMatchObject({ id: group.id, title: "Club" });
    const hello = await send(ada, group.id, "welcome cy");
    await eventually(() => cy.received.some((m) => hello.ok && m.id === hello.message.id));

    const removed = new Promise((r) => cy.socket.once("conversation:removed", r));
    expect((await request(`/api/conversations/${group.id}/members/${cy.id}`, { method: "DELETE", cookie: ada.cookie })).status).toBe(200);
    expect(await removed).toEqual({ conversationId: group.id, reason: "removed", by: ada.id });
    const before = cy.received.length;
    const unseen = await send(ada, group.id, "cy cannot see this");
    await eventually(() => bob.received.some((m) => unseen.ok && m.id === unseen.message.id));
    await settle();
    expect(cy.received).toHaveLength(before);
    expect(await send(cy, group.id, "let me back")).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await cy.socket.timeout(5000).emitWithAck("sync", { since: { [group.id]: 0 } })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect((await request(`/api/conversations/${group.id}/messages`, { cookie: cy.cookie })).status).toBe(404);
  });

  it("answers not_found to a non-member for every event", async () => {
    const [ada, bob, eve] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const sent = await send(ada, dm.id, "private");
    if (!sent.ok) throw new Error("send failed");
    const e = eve.socket.timeout(5000);
    const notFound = { ok: false, error: { code: "not_found" } };
    expect(await e.emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "hi" })).toMatchObject(notFound);
    expect(await e.emitWithAck("message:edit", { messageId: sent.message.id, body: "x" })).toMatchObject(notFound);
    expect(await e.emitWithAck("message:delete", { messageId: sent.message.id })).toMatchObject(notFound);
    expect(await e.emitWithAck("sync", { since: { [dm.id]: 0 } })).toMatchObject(notFound);
    expect(await e.emitWithAck("conversation:read", { conversationId: dm.id, seq: 1 })).toMatchObject(notFound);
    expect(await e.emitWithAck("typing", { conversationId: dm.id, typing: true })).toMatchObject(notFound);
    for (const path of [`/api/conversations/${dm.id}`, `/api/conversations/${dm.id}/messages`]) {
      expect((await request(path, { cookie: eve.cookie })).status).toBe(404);
    }
    expect((await request(`/api/conversations/${randomUUID()}`, { cookie: eve.cookie })).status).toBe(404);
    expect(await testSql()`select id from messages where conversation_id = ${dm.id}`).toHaveLength(1);
    await settle();
    expect(eve.received).toEqual([]);
  });
});

describe("typing, presence and read receipts", () => {
  it("shows typing to the others, presence across tabs, and read positions", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const typing = new Promise((r) => bob.socket.once("typing", r));
    const selfTyping: unknown[] = [];
    ada.socket.on("typing", (t) => selfTyping.push(t));
    expect(await ada.socket.timeout(5000).emitWithAck("typing", { conversationId: dm.id, typing: true })).toEqual({ ok: true });
    expect(await typing).toEqual({ conversationId: dm.id, userId: ada.id, typing: true });
    // repeats within a second are not relayed; "stopped typing" always is
    const relayed: unknown[] = [];
    bob.socket.on("typing", (t) => relayed.push(t));
    await ada.socket.timeout(5000).emitWithAck("typing", { conversationId: dm.id, typing: true });
    await ada.socket.timeout(5000).emitWithAck("typing", { conversationId: dm.id, typing: false });
    await eventually(() => relayed.length === 1);
    expect(relayed).toEqual([{ conversationId: dm.id, userId: ada.id, typing: false }]);

    // a second tab keeps ada online when the first closes; the last one closing makes her offline
    const presence: { userId: string; online: boolean }[] = [];
    bob.socket.on("presence", (p) => presence.push(p));
    const secondTab = connectSocket(ada.cookie);
    await connected(secondTab);
    ada.socket.disconnect();
    await settle();
    expect(presence.filter((p) => p.userId === ada.id)).toEqual([]);
    secondTab.disconnect();
    await eventually(() => presence.some((p) => p.userId === ada.id && !p.online));
    const back = connectSocket(ada.cookie);
    await connected(back);
    await eventually(() => presence.some((p) => p.userId === ada.id && p.online));

    const m1 = await send(bob, dm.id, "one");
    await send(bob, dm.id, "two");
    const list = await (await request("/api/conversations", { cookie: ada.cookie })).json();
    expect(list.conversations.find((c: { id: string }) => c.id === dm.id)).toMatchObject({ unreadCount: 2, lastMessage: { body: "two" } });
    const read = new Promise((r) => bob.socket.once("read", r));
    expect(await back.timeout(5000).emitWithAck("conversation:read", { conversationId: dm.id, seq: 99 })).toEqual({ ok: true, seq: 2 });
    expect(await read).toEqual({ conversationId: dm.id, userId: ada.id, seq: 2 });
    const after = await (await request(`/api/conversations/${dm.id}`, { cookie: ada.cookie })).json();
    expect(after.conversation).toMatchObject({ unreadCount: 0, lastReadSeq: 2 });
    expect(m1.ok).toBe(true);
    expect(selfTyping).toEqual([]);
  });
});

describe("hostile and malformed input", () => {
  it("answers bad payloads with ok:false and keeps serving everyone", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const a = ada.socket.timeout(5000);
    const bad = { ok: false, error: { code: "bad_request" } };
    expect(await a.emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: 42 } as never)).toMatchObject(bad);
    expect(await a.emitWithAck("message:send", { conversationId: dm.id } as never)).toMatchObject(bad);
    expect(await a.emitWithAck("message:send", "nonsense" as never)).toMatchObject(bad);
    expect(await a.emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "   " })).toMatchObject(bad);
    expect(await a.emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "x".repeat(4001) })).toMatchObject(bad);
    expect(await a.emitWithAck("message:send", { conversationId: "not-a-uuid", clientId: randomUUID(), body: "hi" })).toMatchObject(bad);
    expect(await a.emitWithAck("sync", { since: { [dm.id]: -1 } })).toMatchObject(bad);
    expect(await a.emitWithAck("sync", { since: [] } as never)).toMatchObject(bad);
    expect(await a.emitWithAck("typing", { conversationId: dm.id, typing: "yes" } as never)).toMatchObject(bad);
    expect(await (a as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck("admin:drop-tables", {})).toMatchObject(bad);
    const raw = (socket: typeof ada.socket) => socket as unknown as { emit(event: string, payload: unknown): void };
    raw(ada.socket).emit("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "no ack" });

    // a 1 MB body is read and refused in-protocol
    expect(await a.emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "x".repeat(1024 * 1024) })).toMatchObject(bad);
    // a packet beyond maxHttpBufferSize (2 MB) is not buffered: that socket is closed, nobody else is affected
    const closed = new Promise<string>((r) => bob.socket.once("disconnect", r));
    raw(bob.socket).emit("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "x".repeat(2 * 1024 * 1024) });
    expect(await closed).toBe("transport close");
    const ok = await send(ada, dm.id, "still here");
    expect(ok).toMatchObject({ ok: true, message: { body: "still here" } });
    expect((await testSql()`select body from messages where conversation_id = ${dm.id} order by seq`).map((r) => r.body)).toEqual(["no ack", "still here"]);
  });

  it("rate-limits a user who sends too fast", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    const acks = await Promise.all(Array.from({ length: 35 }, (_, i) => send(ada, dm.id, `spam ${i}`)));
    const limited = acks.filter((a) => !a.ok);
    expect(acks.filter((a) => a.ok)).toHaveLength(30);
    expect(limited[0]).toMatchObject({ ok: false, error: { code: "rate_limited" } });
  });
});

describe("conversations over HTTP", () => {
  it("returns the same direct conversation when started twice, from either side", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const first = await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "direct", userId: bob.id } });
    const again = await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "direct", userId: bob.id } });
    const reverse = await request("/api/conversations", { method: "POST", cookie: bob.cookie, json: { kind: "direct", userId: ada.id } });
    expect([first.status, again.status, reverse.status]).toEqual([201, 200, 200]);
    const ids = await Promise.all([first, again, reverse].map(async (r) => (await r.json()).conversation.id));
    expect(new Set(ids).size).toBe(1);
    const self = await request("/api/conversations", { method: "POST", cookie: ada.cookie, json: { kind: "direct", userId: ada.id } });
    expect(self.status).toBe(400);
  });

  it("lets the owner and admins manage a group, and passes ownership on when the owner leaves", async () => {
    const [owner, member, other] = await Promise.all([chatUser(), chatUser(), chatUser()]);
    const group = await createGroup(owner, "Plans", [member]);
    expect(group).toMatchObject({ kind: "group", title: "Plans", role: "owner" });
    const asMember = (path: string, init: Parameters<typeof request>[1]) => request(path, { ...init, cookie: member.cookie });
    expect((await asMember(`/api/conversations/${group.id}`, { method: "PATCH", json: { title: "Mine" } })).status).toBe(403);
    expect((await asMember(`/api/conversations/${group.id}/members`, { method: "POST", json: { userIds: [other.id] } })).status).toBe(403);
    expect((await asMember(`/api/conversations/${group.id}/members/${owner.id}`, { method: "DELETE" })).status).toBe(403);
    const renamed = await request(`/api/conversations/${group.id}`, { method: "PATCH", cookie: owner.cookie, json: { title: "  Better plans " } });
    expect((await renamed.json()).conversation.title).toBe("Better plans");

    const updated = new Promise((r) => member.socket.once("conversation:updated", r));
    expect((await request(`/api/conversations/${group.id}/members/${owner.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(200);
    expect(await updated).toMatchObject({ id: group.id, role: "owner" });
    expect((await request(`/api/conversations/${group.id}`, { cookie: owner.cookie })).status).toBe(404);
  });

  it.each([
    [{ kind: "channel" }],
    [{ kind: "group", title: "", memberIds: [] }],
    [{ kind: "group", title: "t", memberIds: ["nope"] }],
    [{ kind: "group", title: "t", memberIds: [], extra: 1 }],
    [{ kind: "direct" }],
  ])("refuses %j with 400", async (body) => {
    const acct = await createAccount();
    const { signIn } = await import("../support/api");
    const cookie = await signIn(acct.username, acct.password);
    const res = await request("/api/conversations", { method: "POST", cookie, json: body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
  });
});
