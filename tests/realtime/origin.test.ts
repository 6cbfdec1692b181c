/**
 * Cross-site WebSocket hijacking: the Socket.IO handshake accepts only the app's own origin (scheme,
 * host and port), on the websocket and the polling transport alike, before authentication.
 */
import { io } from "socket.io-client";
import { baseUrl, closeTestSql, createAccount, signIn } from "../support/api";
import { chatUser, createGroup, send, settle } from "../support/chat";
import { closeAllSockets, type ClientSocket } from "../support/sockets";

afterEach(closeAllSockets);
afterAll(closeTestSql);

const opened: ClientSocket[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.disconnect();
});

type Transport = "websocket" | "polling";

/** A socket.io client that sends `headers` (Origin, cookie, …) on every request of its transport. */
function connectWith(transport: Transport, headers: Record<string, string>): ClientSocket {
  const socket: ClientSocket = io(baseUrl(), { path: "/socket.io", transports: [transport], extraHeaders: headers, reconnection: false, forceNew: true, timeout: 10_000 });
  opened.push(socket);
  return socket;
}

/** "connected", or the connect_error message. */
function outcome(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (err) => resolve(err.message));
  });
}

const own = () => new URL(baseUrl());

describe.each<Transport>(["websocket", "polling"])("the socket handshake over %s", (transport) => {
  let cookie: string;
  beforeAll(async () => {
    const acct = await createAccount();
    cookie = await signIn(acct.username, acct.password);
  });

  it("accepts the app's own origin, and a client that sends no Origin (not a browser)", async () => {
    await expect(outcome(connectWith(transport, { cookie, origin: own().origin }))).resolves.toBe("connected");
    await expect(outcome(connectWith(transport, { cookie }))).resolves.toBe("connected");
  });

  it("refuses another port, the other scheme, another host, null and malformed origins with 'forbidden'", async () => {
    const { hostname, port } = own();
    const foreign = [
      `http://${hostname}:${Number(port) + 1}`, // a sibling app on the same site
      `https://${hostname}:${port}`,
      `http://evil.example:${port}`,
      `http://localhost:${port}`,
      "null",
      "not an origin",
      `http://${hostname}:${port}/path`,
    ];
    for (const origin of foreign) {
      await expect(outcome(connectWith(transport, { cookie, origin })).then((r) => [origin, r])).resolves.toEqual([origin, "forbidden"]);
    }
  });

  it("refuses before authenticating: an anonymous foreign page learns 'forbidden', not 'unauthorized'", async () => {
    await expect(outcome(connectWith(transport, { origin: "http://evil.example" }))).resolves.toBe("forbidden");
  });

  it("does not believe a client-written X-Forwarded-Host or X-Forwarded-Proto (TRUST_PROXY is 0)", async () => {
    const { hostname, port } = own();
    const lie = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    await expect(outcome(connectWith(transport, { cookie, origin: "https://evil.example", ...lie }))).resolves.toBe("forbidden");
    await expect(outcome(connectWith(transport, { cookie, origin: `https://${hostname}:${port}`, "x-forwarded-proto": "https" }))).resolves.toBe("forbidden");
    // and the real origin still works when such headers are sent
    await expect(outcome(connectWith(transport, { cookie, origin: own().origin, ...lie }))).resolves.toBe("connected");
  });
});

describe("a refused socket", () => {
  it.each<Transport>(["websocket", "polling"])("receives none of the victim's messages (%s)", async (transport) => {
    const victim = await chatUser();
    const friend = await chatUser();
    const group = await createGroup(friend, "Private", [victim]);
    const hijack = connectWith(transport, { cookie: victim.cookie, origin: "http://evil.example" });
    const stolen: unknown[] = [];
    hijack.onAny((event, ...args) => stolen.push([event, ...args]));
    await expect(outcome(hijack)).resolves.toBe("forbidden");
    expect((await send(friend, group.id, "for the victim only")).ok).toBe(true);
    await settle(500);
    expect(victim.received.map((m) => m.body)).toEqual(["for the victim only"]);
    expect(hijack.connected).toBe(false);
    expect(stolen).toEqual([]);
  });
});
