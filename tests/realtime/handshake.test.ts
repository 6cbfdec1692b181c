import { closeTestSql, createAccount, signIn, signOut } from "../support/api";
import { closeAllSockets, connected, connectSocket } from "../support/sockets";

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
