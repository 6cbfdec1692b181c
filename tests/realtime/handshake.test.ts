import { LIMITS, MAX_SOCKETS_PER_USER } from "@/lib/platform/rate-limit";
import { closeTestSql, createAccount, request, signIn, signOut, testSql, type TestAccount } from "../support/api";
import { chatUser, createGroup, send, settle, type ChatUser } from "../support/chat";
import { closeAllSockets, connected, connectSocket, type ClientSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

describe("socket handshake", () => {
  it("refuses a connection without a session with connect_error 'unauthorized'", async () => {
    await expect(connected(connectSocket(""))).rejects.toThrow("unauthorized");
    await expect(connected(connectSocket("next-auth.session-token=forged"))).rejects.toThrow("unauthorized");
  });

  it("accepts a signed-in user and answers as that user", async () => {
    const acct = await createAccount();
    const socket = connectSocket(await signIn(acct.username, acct.password));
    await connected(socket);
    const res = await socket.timeout(5000).emitWithAck("ping");
    expect(res).toEqual({ ok: true, userId: acct.id });
  });

  it("answers a ping sent with a payload before its ack (the ack is the last argument, as for every event)", async () => {
    const acct = await createAccount();
    const socket = connectSocket(await signIn(acct.username, acct.password));
    await connected(socket);
    const raw = socket as unknown as { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> } };
    for (const payload of [{}, null, "x", 1]) expect(await raw.timeout(3000).emitWithAck("ping", payload)).toEqual({ ok: true, userId: acct.id });
  });

  it("on sign-out tells and disconnects that session's sockets, then refuses the old cookie", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    const otherDevice = await signIn(acct.username, acct.password);
    const socket = connectSocket(cookie);
    const other = connectSocket(otherDevice);
    await Promise.all([connected(socket), connected(other)]);

    const revoked = new Promise((resolve) => socket.once("session:revoked", resolve));
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    expect((await signOut(cookie)).status).toBe(200);

    expect(await revoked).toEqual({ reason: "signed_out" });
    expect(await disconnected).toBe("io server disconnect");
    await expect(connected(connectSocket(cookie))).rejects.toThrow("unauthorized");

    // the user's other session stays connected
    expect(other.connected).toBe(true);
    expect(await other.timeout(5000).emitWithAck("ping")).toEqual({ ok: true, userId: acct.id });
  });
});

describe("session expiry", () => {
  it("closes an open socket when its session expires, telling it why", async () => {
    const acct = await createAccount();
    const cookie = await signIn(acct.username, acct.password);
    await testSql()`update sessions set expires_at = now() + interval '1500 milliseconds' where user_id = ${acct.id}`;
    const socket = connectSocket(cookie);
    const revoked = new Promise((resolve) => socket.once("session:revoked", resolve));
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    await connected(socket);
    expect(await socket.timeout(5000).emitWithAck("ping")).toEqual({ ok: true, userId: acct.id });
    expect(await revoked).toEqual({ reason: "expired" });
    expect(await disconnected).toBe("io server disconnect");
  });
});

describe("a handshake racing a change of rights", () => {
  // The handshake reads the session and the memberships before the socket can be reached by a
  // removal or a sign-out. Each race is repeated with jitter, so the change lands before, during
  // and after handshakes; without the re-check after connecting, a few sockets outlive their
  // signed-out session in every run (the membership gap is narrower and rarely hit).
  const rounds = Number(process.env.RACE_ROUNDS ?? 40);
  const jitter = () => new Promise((r) => setTimeout(r, Math.random() * Number(process.env.RACE_MS ?? 15)));

  it("a member removed while connecting does not keep receiving the group", async () => {
    // a fresh owner, group and member every PER_GROUP rounds: every removed member's socket stays
    // open to the end, and one user may hold MAX_SOCKETS_PER_USER sockets (and add people 30 times per 10 min)
    const PER_GROUP = Math.min(MAX_SOCKETS_PER_USER, LIMITS.addMembers.points);
    const groups: { owner: ChatUser; id: string }[] = [];
    const leaked: string[] = [];
    let owner!: ChatUser, acct!: TestAccount, cookie!: string, group!: { id: string };
    for (let i = 0; i < rounds; i++) {
      if (i % PER_GROUP === 0) {
        owner = await chatUser();
        acct = await createAccount();
        cookie = await signIn(acct.username, acct.password);
        group = await createGroup(owner, "Racing", []);
        groups.push({ owner, id: group.id });
      }
      expect((await request(`/api/conversations/${group.id}/members`, { method: "POST", cookie: owner.cookie, json: { userIds: [acct.id] } })).status).toBe(200);
      const removal = request(`/api/conversations/${group.id}/members/${acct.id}`, { method: "DELETE", cookie: owner.cookie });
      await jitter();
      const socket = connectSocket(cookie);
      // a re-added member's earlier sockets rightly get the notes of their re-adding and next removal
      // (a removed member is told of its own removal: docs/protocol.md); only talk must not leak
      socket.on("message:new", (m) => { if (m.kind === "text") leaked.push(m.body); });
      expect((await removal).status).toBe(200);
      await connected(socket);
    }
    await settle();
    for (const g of groups) expect((await send(g.owner, g.id, "after every removal")).ok).toBe(true);
    await settle();
    expect(leaked).toEqual([]);
  });

  it("a socket connecting while its session signs out does not stay connected", async () => {
    const acct = await createAccount();
    const survivors: ClientSocket[] = [];
    for (let i = 0; i < rounds; i++) {
      const cookie = await signIn(acct.username, acct.password);
      const signingOut = signOut(cookie);
      await jitter();
      const socket = connectSocket(cookie);
      socket.on("connect", () => survivors.push(socket));
      expect((await signingOut).status).toBe(200);
    }
    await settle(1000);
    expect(survivors.filter((s) => s.connected).length).toBe(0);
  });
});
