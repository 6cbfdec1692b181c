/**
 * Redis goes away under two nodes and comes back. Each node keeps serving its own clients (sends,
 * typing, new connections, HTTP), says so in its log and in /api/health, and once Redis is back the
 * nodes talk again and tell their clients to sync, so nothing sent during the outage is missed.
 * Redis is taken away through a TCP proxy, so the shared Redis itself is never touched.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql } from "../support/api";
import { eventually } from "../support/chat";
import { collect, json, nodeCluster, sharedRedisUrl, userOn, type Client, type Node } from "../support/nodes";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

jest.setTimeout(120_000);

const cluster = nodeCluster("redis-outage");
let proxy: TcpProxy;

afterAll(async () => {
  await cluster.close();
  await proxy?.close();
  await closeTestSql();
});

async function health(node: Node) {
  return (await json(node, "/api/health")).json();
}

function send(socket: Client, conversationId: string, body: string) {
  return socket.timeout(5000).emitWithAck("message:send", { conversationId, clientId: randomUUID(), body });
}

it("keeps serving each node's clients while Redis is down, and resumes with nothing missed", async () => {
  const redis = new URL(sharedRedisUrl);
  proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
  const env = { REDIS_URL: proxy.url(redis.protocol.replace(":", "")) };
  const [a, b] = await Promise.all([cluster.startNode(env), cluster.startNode(env)]);
  const ada = await userOn(a, "ada");
  const bob = await userOn(a, "bob");
  const cy = await userOn(b, "cy");
  const adaSocket = await cluster.connect(a, ada.cookie);
  const bobSocket = await cluster.connect(a, bob.cookie);
  const cySocket = await cluster.connect(b, cy.cookie);
  const [bobGot, cyGot] = [bobSocket, cySocket].map(collect);
  const resyncs = new Map<Client, unknown[]>();
  for (const socket of [bobSocket, cySocket]) socket.on("resync", (p) => resyncs.set(socket, [...(resyncs.get(socket) ?? []), p]));

  const group = (await (await json(a, "/api/conversations", { method: "POST", cookie: ada.cookie, body: { kind: "group", title: "Outage", memberIds: [bob.id, cy.id] } })).json()).conversation;
  await eventually(() => cySocket.listeners("message:new").length > 0);
  expect((await send(adaSocket, group.id, "before the outage")).ok).toBe(true);
  await eventually(() => cyGot.some((m) => m.body === "before the outage"));
  const seenByCy = cyGot.find((m) => m.body === "before the outage")!.seq;
  expect(await health(a)).toEqual({ ok: true, db: "up", redis: "up" });

  // Redis stops answering while messages are on their way, then goes away altogether
  proxy.stall();
  const inFlight = await send(adaSocket, group.id, "as Redis goes away");
  proxy.cut();
  await eventually(() => a.output().includes("[redis]") && b.output().includes("[redis]"), 15_000);
  expect(await health(a)).toEqual({ ok: true, db: "up", redis: "down" });

  // node A's own clients: sends are committed and delivered, typing is relayed, new sockets connect
  expect(inFlight.ok).toBe(true);
  const during = await send(adaSocket, group.id, "during the outage");
  expect(during.ok).toBe(true);
  await eventually(() => bobGot.some((m) => m.body === "during the outage"));
  const typing = new Promise((r) => bobSocket.once("typing", r));
  expect((await adaSocket.timeout(5000).emitWithAck("typing", { conversationId: group.id, typing: true })).ok).toBe(true);
  expect(await typing).toEqual({ conversationId: group.id, userId: ada.id, typing: true });
  const bobAgain = await cluster.connect(a, bob.cookie);
  expect((await bobAgain.timeout(5000).emitWithAck("ping")).ok).toBe(true);

  // HTTP keeps working, rate-limited routes included (their counters fall back to memory)
  expect((await json(a, `/api/users?q=${cy.username}`, { cookie: ada.cookie })).status).toBe(200);
  expect((await json(b, `/api/conversations/${group.id}/messages`, { cookie: cy.cookie })).status).toBe(200);
  // node B's client is served by node B too
  expect((await send(cySocket, group.id, "from B during the outage")).ok).toBe(true);

  proxy.restore();
  await eventually(async () => (await health(a)).redis === "up" && (await health(b)).redis === "up", 20_000);

  // both nodes told their clients to catch up, and the catch-up holds what they missed
  await eventually(() => resyncs.has(bobSocket) && resyncs.has(cySocket), 10_000);
  expect(resyncs.get(cySocket)).toEqual([{ reason: "redis_recovered" }]);
  const caughtUp = await cySocket.timeout(5000).emitWithAck("sync", { since: { [group.id]: seenByCy } });
  expect(caughtUp.ok && caughtUp.messages.map((m: { body: string }) => m.body)).toEqual(["as Redis goes away", "during the outage", "from B during the outage"]);

  // and the nodes talk again
  expect((await send(adaSocket, group.id, "after the outage")).ok).toBe(true);
  await eventually(() => cyGot.some((m) => m.body === "after the outage"));

  // neither node fell over or let an error escape
  for (const node of [a, b]) {
    expect(node.proc.exitCode).toBeNull();
    expect(node.output()).not.toMatch(/unhandledRejection|uncaughtException/);
  }
});
