/**
 * Two server processes, one database, one Redis: one service. Needs Redis at REDIS_URL
 * (default redis://127.0.0.1:6379), as on CI.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createClient } from "redis";
import { io, type Socket } from "socket.io-client";
import { freePort } from "@/db/embedded";
import type { ClientToServerEvents, MessageView, ServerToClientEvents } from "@/lib/realtime/events";
import { closeTestSql } from "../support/api";
import { eventually } from "../support/chat";
import { startServerProcess, type ServerProcess } from "../support/server-process";

jest.setTimeout(120_000);

const root = path.resolve(__dirname, "../..");
const dataDir = path.join(root, ".data", `multi-${process.pid}`); // shared: both nodes get the same secret
const prefix = `parley-test-${process.pid}-${Date.now()}:`;
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

type Node = ServerProcess;
const nodes: Node[] = [];
const sockets: Client[] = [];

async function startNode(): Promise<Node> {
  const node = await startServerProcess(await freePort(), {
    DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL,
    PARLEY_DATA_DIR: dataDir,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: prefix,
    PRESENCE_TTL_MS: "3000",
    PRESENCE_REFRESH_MS: "1000",
  });
  nodes.push(node);
  return node;
}

function json(node: Node, pathname: string, init: { method?: string; body?: unknown; cookie?: string } = {}) {
  return fetch(`${node.url}${pathname}`, {
    method: init.method ?? "GET",
    headers: { "content-type": "application/json", cookie: init.cookie ?? "" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function signInAt(node: Node, login: string, password: string): Promise<Response> {
  const csrfRes = await fetch(`${node.url}/api/auth/csrf`);
  const { csrfToken } = await csrfRes.json();
  return fetch(`${node.url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ login, password, csrfToken, json: "true" }),
    redirect: "manual",
  });
}

async function user(node: Node, name: string) {
  const username = `${name}_${randomUUID().slice(0, 8)}`;
  const res = await json(node, "/api/users", { method: "POST", body: { username, email: `${username}@example.test`, password: "two nodes one service", displayName: name } });
  const { user: u } = await res.json();
  const signed = await signInAt(node, username, "two nodes one service");
  const cookie = signed.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="))!.split(";")[0];
  return { id: u.id as string, username, cookie };
}

function connect(node: Node, cookie: string): Promise<Client> {
  const socket: Client = io(node.url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

function collect(socket: Client): MessageView[] {
  const got: MessageView[] = [];
  socket.on("message:new", (m) => got.push(m));
  return got;
}

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await Promise.all(nodes.map((n) => n.stop()));
  fs.rmSync(dataDir, { recursive: true, force: true });
  await closeTestSql();
  // leave the shared Redis as it was
  const redis = createClient({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) if (keys.length) await redis.del(keys);
  await redis.quit();
});

it("works as one service across two nodes: messages, typing, presence, sign-out, throttling, a dead node", async () => {
  const [a, b] = await Promise.all([startNode(), startNode()]);
  const ada = await user(a, "ada");
  const bob = await user(b, "bob");
  const cy = await user(b, "cy");
  const adaSocket = await connect(a, ada.cookie);
  const bobSocket = await connect(b, bob.cookie);
  const cySocket = await connect(b, cy.cookie);
  const [adaGot, bobGot, cyGot] = [adaSocket, bobSocket, cySocket].map(collect);

  // conversation:new crosses nodes, and so do direct and group messages
  const bobAdded = new Promise((r) => bobSocket.once("conversation:new", r));
  const dm = (await (await json(a, "/api/conversations", { method: "POST", cookie: ada.cookie, body: { kind: "direct", userId: bob.id } })).json()).conversation;
  await bobAdded;
  const direct = await adaSocket.timeout(5000).emitWithAck("message:send", { conversationId: dm.id, clientId: randomUUID(), body: "hello from node A" });
  expect(direct.ok).toBe(true);
  await eventually(() => bobGot.some((m) => m.body === "hello from node A"));

  const group = (await (await json(b, "/api/conversations", { method: "POST", cookie: bob.cookie, body: { kind: "group", title: "Across", memberIds: [ada.id, cy.id] } })).json()).conversation;
  const sent = await bobSocket.timeout(5000).emitWithAck("message:send", { conversationId: group.id, clientId: randomUUID(), body: "hello from node B" });
  expect(sent.ok).toBe(true);
  await eventually(() => adaGot.some((m) => m.body === "hello from node B") && cyGot.some((m) => m.body === "hello from node B"));

  // typing crosses nodes
  const typing = new Promise((r) => bobSocket.once("typing", r));
  await adaSocket.timeout(5000).emitWithAck("typing", { conversationId: dm.id, typing: true });
  expect(await typing).toEqual({ conversationId: dm.id, userId: ada.id, typing: true });

  // presence: ada (connected to A only) is online as seen from B
  const viewFromB = (await (await json(b, `/api/conversations/${dm.id}`, { cookie: bob.cookie })).json()).conversation;
  expect(viewFromB.members.find((m: { id: string }) => m.id === ada.id).online).toBe(true);

  // signing out on node A disconnects the same session's socket on node B
  const bobSecond = await signInAt(a, bob.username, "two nodes one service");
  const secondCookie = bobSecond.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="))!.split(";")[0];
  const secondSocket = await connect(b, secondCookie);
  const revoked = new Promise((r) => secondSocket.once("session:revoked", r));
  const csrfRes = await fetch(`${a.url}/api/auth/csrf`, { headers: { cookie: secondCookie } });
  const { csrfToken } = await csrfRes.json();
  const csrfCookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  await fetch(`${a.url}/api/auth/signout`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${secondCookie}; ${csrfCookie}` },
    body: new URLSearchParams({ csrfToken, json: "true" }),
  });
  expect(await revoked).toEqual({ reason: "signed_out" });
  await eventually(() => !secondSocket.connected);
  expect(bobSocket.connected).toBe(true);

  // the login throttle counts failures from both nodes together
  for (let i = 0; i < 10; i++) expect((await signInAt(i % 2 ? a : b, ada.username, `wrong ${i}`)).status).toBe(401);
  expect((await signInAt(a, ada.username, "two nodes one service")).status).toBe(429);
  expect((await signInAt(b, ada.username, "two nodes one service")).status).toBe(429);

  // a node that dies does not leave its users online: node B is killed, ada hears bob go offline
  const offline = new Promise((r) => adaSocket.on("presence", (p) => p.userId === bob.id && !p.online && r(p)));
  await b.stop("SIGKILL");
  await offline;
  const afterDeath = (await (await json(a, `/api/conversations/${dm.id}`, { cookie: ada.cookie })).json()).conversation;
  expect(afterDeath.members.find((m: { id: string }) => m.id === bob.id).online).toBe(false);
});
