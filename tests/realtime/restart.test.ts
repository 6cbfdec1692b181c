/**
 * Guaranteed delivery across a crash: clients keep sending (retrying with the same clientId until
 * acknowledged) while the server is SIGKILLed and restarted. Afterwards every client's view equals
 * the database: nothing lost, nothing doubled, ordered by seq.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { io } from "socket.io-client";
import { openSocket, type ChatSocket } from "@/components/chat/client/socket";
import { freePort } from "@/db/embedded";
import type { MessageView } from "@/lib/messages/types";
import { closeTestSql, testSql } from "../support/api";
import { startServerProcess, type ServerProcess } from "../support/server-process";

jest.setTimeout(180_000);

const root = path.resolve(__dirname, "../..");
const dataDir = path.join(root, ".data", `restart-${process.pid}`);
let port: number;
let server: ServerProcess | undefined;
const base = () => `http://127.0.0.1:${port}`;

async function startServer(): Promise<void> {
  server = await startServerProcess(port, { DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, PARLEY_DATA_DIR: dataDir, RATE_LIMITS: "off" });
}

async function post(pathname: string, body: unknown, cookie = ""): Promise<Response> {
  return fetch(`${base()}${pathname}`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) });
}

async function signUpAndIn(name: string): Promise<{ id: string; cookie: string }> {
  const username = `${name}_${randomUUID().slice(0, 8)}`;
  const res = await post("/api/users", { username, email: `${username}@example.test`, password: "restart proof", displayName: name });
  const { user } = await res.json();
  const csrfRes = await fetch(`${base()}/api/auth/csrf`);
  const { csrfToken } = await csrfRes.json();
  const csrfCookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const signIn = await fetch(`${base()}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ login: username, password: "restart proof", csrfToken, json: "true" }),
    redirect: "manual",
  });
  const session = signIn.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="))!.split(";")[0];
  return { id: user.id, cookie: session };
}

/** A client that behaves as the protocol asks: retry until acked, sync on every (re)connect. */
class ReliableClient {
  readonly view = new Map<string, MessageView>();
  readonly pending = new Map<string, string>(); // clientId → body
  readonly disconnectReasons: string[] = [];
  private socket: ChatSocket;
  private timer: NodeJS.Timeout;

  constructor(
    cookie: string,
    private conversationId: string,
  ) {
    // opened as the page opens its socket (its retries spread by full jitter), with shorter delays
    this.socket = openSocket({ io, url: base(), options: { extraHeaders: { cookie }, reconnectionDelay: 100, reconnectionDelayMax: 500 } });
    this.socket.on("message:new", (m) => this.keep(m));
    this.socket.on("message:updated", (m) => this.keep(m));
    this.socket.on("connect", () => void this.sync());
    this.socket.on("disconnect", (reason) => this.disconnectReasons.push(reason));
    this.timer = setInterval(() => this.retry(), 400);
  }

  private keep(m: MessageView): void {
    const held = this.view.get(m.id);
    if (!held || held.rev < m.rev) this.view.set(m.id, m);
  }

  private maxRev(): number {
    return Math.max(0, ...[...this.view.values()].map((m) => m.rev));
  }

  async sync(): Promise<void> {
    for (;;) {
      try {
        const res = await this.socket.timeout(2000).emitWithAck("sync", { since: { [this.conversationId]: this.maxRev() } });
        if (!res.ok) return;
        res.messages.forEach((m: MessageView) => this.keep(m));
        if (!res.hasMore) return;
      } catch {
        return; // disconnected again: the next connect syncs
      }
    }
  }

  private async attempt(clientId: string, body: string): Promise<void> {
    if (!this.socket.connected) return;
    try {
      const res = await this.socket.timeout(2000).emitWithAck("message:send", { conversationId: this.conversationId, clientId, body });
      if (res.ok) {
        this.pending.delete(clientId);
        this.keep(res.message);
      }
    } catch {
      /* no ack in time: retried by the timer with the same clientId */
    }
  }

  send(body: string): void {
    const clientId = randomUUID();
    this.pending.set(clientId, body);
    void this.attempt(clientId, body);
  }

  private retry(): void {
    for (const [clientId, body] of this.pending) void this.attempt(clientId, body);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.disconnect();
  }

  get connected(): boolean {
    return this.socket.connected;
  }
}

// Each case starts its own server twice; the one left running must not outlive the case.
afterEach(async () => {
  await server?.stop();
});

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await closeTestSql();
});

it.each([
  ["SIGKILLed (a crash)", "SIGKILL" as const],
  ["stopped with SIGTERM (graceful)", "SIGTERM" as const],
])("loses and doubles nothing when the server is %s mid-stream and restarted", async (_what, signal) => {
  port = await freePort();
  await startServer();
  const users = await Promise.all(["ada", "bob", "cy"].map(signUpAndIn));
  const group = await (await post("/api/conversations", { kind: "group", title: "Crash test", memberIds: [users[1].id, users[2].id] }, users[0].cookie)).json();
  const conversationId: string = group.conversation.id;
  const clients = users.map((u) => new ReliableClient(u.cookie, conversationId));
  const waitFor = async (cond: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor(() => clients.every((c) => c.connected), 10_000);

  const PER_CLIENT = 25;
  let sent = 0;
  const sender = setInterval(() => {
    for (const [i, c] of clients.entries()) c.send(`client ${i} message ${sent}`);
    if (++sent === PER_CLIENT) clearInterval(sender);
  }, 40);

  await new Promise((r) => setTimeout(r, 400)); // mid-stream
  const code = await server!.stop(signal);
  if (signal === "SIGTERM") expect(code).toBe(0); // in-flight sends finished, then a clean exit
  const [{ n: storedBeforeKill }] = await testSql()`select count(*)::int as n from messages where conversation_id = ${conversationId}`;
  expect(storedBeforeKill).toBeGreaterThan(0);
  expect(storedBeforeKill).toBeLessThan(3 * PER_CLIENT);
  await new Promise((r) => setTimeout(r, 300));
  await startServer();

  await waitFor(() => sent === PER_CLIENT && clients.every((c) => c.pending.size === 0), 60_000);
  await Promise.all(clients.map((c) => c.sync()));

  const rows = await testSql()`select id, seq::int, client_id, body from messages where conversation_id = ${conversationId} order by seq`;
  expect(rows).toHaveLength(3 * PER_CLIENT);
  expect(new Set(rows.map((r) => r.client_id)).size).toBe(3 * PER_CLIENT);
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 3 * PER_CLIENT }, (_, i) => i + 1));
  for (const c of clients) {
    const view = [...c.view.values()].sort((a, b) => a.seq - b.seq);
    expect(view.map((m) => [m.id, m.seq, m.body])).toEqual(rows.map((r) => [r.id, r.seq, r.body]));
  }
  // the server dropped transports rather than disconnecting sockets, so clients reconnected by themselves
  for (const c of clients) expect(c.disconnectReasons).toEqual(["transport close"]);
  clients.forEach((c) => c.close());
});
