/**
 * Two server processes, one database, one Redis: one service. Needs Redis at REDIS_URL
 * (default redis://127.0.0.1:6379), as on CI.
 */
import { randomUUID } from "node:crypto";
import { closeTestSql } from "../support/api";
import { eventually } from "../support/chat";
import { collect, json, nodeCluster, sessionCookie, signInAt, userOn as user } from "../support/nodes";

jest.setTimeout(120_000);

const cluster = nodeCluster("multi");
const { startNode, connect } = cluster;

afterAll(async () => {
  await cluster.close();
  await closeTestSql();
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
  const bobSecond = await signInAt(a, bob.username);
  const secondCookie = sessionCookie(bobSecond);
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
  expect((await signInAt(a, ada.username)).status).toBe(429);
  expect((await signInAt(b, ada.username)).status).toBe(429);

  // a node that dies does not leave its users online: node B is killed, ada hears bob go offline
  const offline = new Promise((r) => adaSocket.on("presence", (p) => p.userId === bob.id && !p.online && r(p)));
  await b.stop("SIGKILL");
  await offline;
  const afterDeath = (await (await json(a, `/api/conversations/${dm.id}`, { cookie: ada.cookie })).json()).conversation;
  expect(afterDeath.members.find((m: { id: string }) => m.id === bob.id).online).toBe(false);
});
