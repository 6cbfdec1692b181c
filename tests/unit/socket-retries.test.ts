/**
 * How the page's socket spreads its reconnection attempts (components/chat/client/socket.ts
 * spreadRetries): delays drawn from socket.io-client's real Manager, as its reconnect() draws them,
 * after openSocket set it up. socket.io-client's own backoff waits exactly reconnectionDelayMax
 * from the 6th retry on, so a crowd that lost its server together retries in lockstep.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io, Manager } from "socket.io-client";
import { WebSocketServer, type WebSocket } from "ws";
import { openSocket, SOCKET_OPTIONS, type ChatSocket } from "@/components/chat/client/socket";

const BASE = SOCKET_OPTIONS.reconnectionDelay!;
const CAP = SOCKET_OPTIONS.reconnectionDelayMax!;
const FLOOR = BASE / 2;
const DRAWS = 10_000;

/** The Manager's private backoff: reconnect() waits `duration()` ms, which counts the attempt. */
interface Backoff {
  attempts: number;
  duration(): number;
  reset(): void;
}
const backoffOf = (manager: Manager) => (manager as unknown as { backoff: Backoff }).backoff;

/** `DRAWS` delays of retry `attempt` (0 = the first), sorted. */
function delaysAt(manager: Manager, attempt: number): number[] {
  const backoff = backoffOf(manager);
  const delays = Array.from({ length: DRAWS }, () => {
    backoff.attempts = attempt;
    return backoff.duration();
  });
  return delays.sort((a, b) => a - b);
}

const atCap = (delays: number[]) => delays.filter((d) => d === CAP).length / delays.length;

/**
 * The page's socket as openSocket makes it, without a network: its `connect()` only records the
 * call and the share of late retries that would wait exactly the cap at that moment.
 */
function pageSocket(): { socket: ChatSocket; options: Record<string, unknown>; connects: number; atCapWhenConnecting: number } {
  const opened = { socket: undefined as unknown as ChatSocket, options: {}, connects: 0, atCapWhenConnecting: NaN };
  const fakeIo = ((url: string, options: Record<string, unknown>) => {
    opened.options = options;
    const socket = io(url, options);
    socket.connect = () => {
      opened.connects++;
      opened.atCapWhenConnecting = atCap(delaysAt(socket.io as unknown as Manager, 10));
      backoffOf(socket.io as unknown as Manager).reset();
      return socket;
    };
    return socket;
  }) as unknown as typeof io;
  opened.socket = openSocket({ io: fakeIo, url: "http://127.0.0.1:1", options: { forceNew: true } });
  return opened;
}

const manager = () => pageSocket().socket.io as unknown as Manager;

describe("the page's reconnection delays", () => {
  it("spreads retries 5 to 10 over [reconnectionDelay / 2, reconnectionDelayMax] instead of waiting exactly the cap", () => {
    const m = manager();
    for (let attempt = 5; attempt <= 10; attempt++) {
      const delays = delaysAt(m, attempt);
      const quartile = (q: number) => delays[Math.floor(q * DRAWS)];
      const uniform = (q: number) => FLOOR + q * (CAP - FLOOR);
      expect(atCap(delays)).toBeLessThanOrEqual(0.05);
      expect(delays[0]).toBeGreaterThanOrEqual(FLOOR);
      expect(delays.at(-1)).toBeLessThanOrEqual(CAP);
      // the spread covers the window: extremes near its ends, quartiles where a uniform draw puts them
      expect(delays[0]).toBeLessThan(FLOOR + 0.02 * (CAP - FLOOR));
      expect(delays.at(-1)).toBeGreaterThan(CAP - 0.02 * (CAP - FLOOR));
      for (const q of [0.25, 0.5, 0.75]) expect(Math.abs(quartile(q) - uniform(q))).toBeLessThan(0.03 * (CAP - FLOOR));
    }
  });

  it("keeps the first retries short: retry n waits between reconnectionDelay / 2 and reconnectionDelay · 2ⁿ", () => {
    const m = manager();
    for (let attempt = 0; attempt <= 3; attempt++) {
      const delays = delaysAt(m, attempt);
      expect(delays[0]).toBeGreaterThanOrEqual(FLOOR);
      expect(delays.at(-1)).toBeLessThanOrEqual(BASE * 2 ** attempt);
      expect(delays.at(-1)! - delays[0]).toBeGreaterThan(0.9 * (BASE * 2 ** attempt - FLOOR));
    }
  });

  it("leaves the counting to socket.io-client: each delay counts an attempt, and a reset (on connect) starts short again", () => {
    const backoff = backoffOf(manager());
    for (let i = 0; i < 8; i++) backoff.duration();
    expect(backoff.attempts).toBe(8);
    backoff.reset();
    expect(backoff.duration()).toBeLessThanOrEqual(BASE);
    expect(backoff.attempts).toBe(1);
  });

  it("follows reconnectionDelay and reconnectionDelayMax set on the Manager later", () => {
    const m = manager();
    m.reconnectionDelayMax(2_000);
    m.reconnectionDelay(100);
    const late = delaysAt(m, 10);
    expect(late[0]).toBeGreaterThanOrEqual(50);
    expect(late.at(-1)).toBeLessThanOrEqual(2_000);
    expect(late.at(-1)).toBeGreaterThan(1_900);
    expect(delaysAt(m, 0).at(-1)).toBeLessThanOrEqual(100);
  });

  it("opens the socket with SOCKET_OPTIONS and the caller's options, spreading its retries before it connects", () => {
    const { options, connects, atCapWhenConnecting } = pageSocket();
    expect(options).toEqual({ ...SOCKET_OPTIONS, forceNew: true, autoConnect: false });
    expect(connects).toBe(1);
    expect(atCapWhenConnecting).toBeLessThanOrEqual(0.05);
  });
});

/**
 * A server that takes the WebSocket and drops it before Engine.IO's handshake, as a proxy, a captive
 * portal or a dying server can: each upgrade is counted and closed (`how`).
 */
async function droppingServer(how: (ws: WebSocket) => void): Promise<{ url: string; upgrades: () => number; close: () => Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: "/socket.io/" });
  let upgrades = 0;
  wss.on("connection", (ws) => {
    upgrades++;
    how(ws);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    upgrades: () => upgrades,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

describe("an attempt whose connection closes before Engine.IO's handshake", () => {
  const drops: [string, (ws: WebSocket) => void][] = [
    ["closed with a code", (ws) => ws.close(4000, "network down")],
    ["cut without a closing handshake", (ws) => ws.terminate()],
  ];

  it("waits for Engine.IO's handshake as long as socket.io-client's default connect timeout, 20 s", () => {
    expect(SOCKET_OPTIONS.timeout).toBe(20_000);
  });

  it.each(drops)("fails at once, not after the connect timeout (%s)", async (_, how) => {
    const server = await droppingServer(how);
    const socket = openSocket({ io, url: server.url, options: { forceNew: true, reconnection: false } });
    try {
      const started = Date.now();
      const err = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(err.message).toMatch(/close/);
      expect(server.upgrades()).toBe(1);
    } finally {
      socket.disconnect();
      await server.close();
    }
  });

  it.each(drops)("is retried after the spread delay, again and again (%s)", async (_, how) => {
    const server = await droppingServer(how);
    const socket = openSocket({ io, url: server.url, options: { forceNew: true } });
    try {
      // the first retries wait 250–500 ms and 250–1,000 ms: three attempts fit in 3 s
      const deadline = Date.now() + 3_000;
      while (server.upgrades() < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.upgrades()).toBeGreaterThanOrEqual(3);
      expect(socket.connected).toBe(false);
    } finally {
      socket.disconnect();
      await server.close();
    }
  });
});
