/**
 * Cross-site WebSocket hijacking, in Chromium: a page of another origin on the same site (here
 * another port of 127.0.0.1, in production a sibling subdomain) shares the victim's cookie and
 * tries Parley's Socket.IO with it — the socket.io client over websocket and over polling, a raw
 * WebSocket speaking the protocol, raw polling fetches — and gets nothing.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { baseUrl, closeTestSql, testSql } from "../support/api";
import { openSignedIn, useBrowser } from "../support/browser";
import { chatUser, createGroup, send, settle } from "../support/chat";
import { closeAllSockets } from "../support/sockets";

jest.setTimeout(120_000);

const browser = useBrowser();

const CLIENT_BUNDLE = path.resolve(__dirname, "../../node_modules/socket.io-client/dist/socket.io.min.js");

/** The attacker's site: a blank page and the socket.io client bundle, on a port of its own. */
let attacker: http.Server;
let attackerUrl: string;
beforeAll(async () => {
  attacker = http.createServer((req, res) => {
    if (req.url === "/socket.io.min.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(fs.readFileSync(CLIENT_BUNDLE));
      return;
    }
    res.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>Totally unrelated</title><script src="/socket.io.min.js"></script>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  closeAllSockets();
  await new Promise((resolve) => attacker.close(resolve));
  await closeTestSql();
});

interface Attack {
  client: Record<"websocket" | "polling", { outcome: string | null; events: string[] }>;
  raw: { frames: string[]; closed: boolean };
  pollCors: string;
  pollNoCors: { type: string; body: string };
}

describe("a page of another origin on the same site", () => {
  it("cannot use the victim's cookie to open Parley's socket: no messages, no sync, no sends", async () => {
    const victim = await chatUser({ displayName: "Victim" });
    const friend = await chatUser({ displayName: "Friend" });
    const group = await createGroup(friend, "Secrets", [victim]);
    const target = new URL(baseUrl());
    expect(new URL(attackerUrl).hostname).toBe(target.hostname); // same site, so the cookie goes along
    expect(new URL(attackerUrl).port).not.toBe(target.port);

    // The victim is signed in in this browser and has Parley open: the control that the cookie
    // and the socket work for Parley's own page.
    const { context, page } = await openSignedIn(browser(), victim);
    await page.goto(`${baseUrl()}/c/${group.id}`);
    await expect(context.cookies(baseUrl()).then((c) => c.some((k) => k.name.endsWith("next-auth.session-token")))).resolves.toBe(true);

    // …then visits the attacker's page in another tab of the same browser.
    const evil = await context.newPage();
    await evil.goto(attackerUrl);
    await evil.evaluate(
      async ({ target, conversationId }) => {
        type Io = (url: string, opts: object) => { onAny(fn: (e: string) => void): void; on(e: string, fn: (err?: Error) => void): void; emit(...a: unknown[]): void };
        const io = (window as unknown as { io: Io }).io;
        const attack = {
          client: { websocket: { outcome: null as string | null, events: [] as string[] }, polling: { outcome: null as string | null, events: [] as string[] } },
          raw: { frames: [] as string[], closed: false },
          pollCors: "",
          pollNoCors: { type: "", body: "" },
        };
        (window as unknown as { attack: typeof attack }).attack = attack;

        // the socket.io client, as any page could load it, over each transport
        for (const transport of ["websocket", "polling"] as const) {
          const seen = attack.client[transport];
          const socket = io(target, { transports: [transport], reconnection: false, withCredentials: true });
          socket.onAny((event) => seen.events.push(event));
          socket.on("connect", () => (seen.outcome = "connected"));
          socket.on("connect_error", (err) => (seen.outcome = err!.message));
          socket.emit("sync", { since: { [conversationId]: 0 } }, () => seen.events.push("sync answered"));
        }

        // a raw WebSocket speaking Engine.IO 4 / Socket.IO 5 itself: connect, then ask and send anyway
        const ws = new WebSocket(`${target.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
        ws.onmessage = (e) => {
          const frame = String(e.data);
          attack.raw.frames.push(frame);
          if (frame.startsWith("0{")) ws.send("40");
          else if (frame === "2") ws.send("3");
          else if (frame.startsWith("44")) {
            ws.send(`420["sync",{"since":{"${conversationId}":0}}]`);
            ws.send(`421["message:send",{"conversationId":"${conversationId}","clientId":"${crypto.randomUUID()}","body":"sent by the attacker"}]`);
          }
        };
        ws.onclose = () => (attack.raw.closed = true);

        // the polling handshake fetched by hand, with the cookie: readable only through CORS
        try {
          attack.pollCors = await (await fetch(`${target}/socket.io/?EIO=4&transport=polling`, { credentials: "include" })).text();
        } catch (err) {
          attack.pollCors = `blocked: ${(err as Error).name}`;
        }
        const opaque = await fetch(`${target}/socket.io/?EIO=4&transport=polling`, { credentials: "include", mode: "no-cors" });
        attack.pollNoCors = { type: opaque.type, body: await opaque.text() };
      },
      { target: target.origin, conversationId: group.id },
    );

    // every attempt has had its answer
    await evil.waitForFunction(() => {
      const a = (window as unknown as { attack: Attack }).attack;
      return a.client.websocket.outcome && a.client.polling.outcome && a.raw.frames.some((f) => f.startsWith("44") || f.startsWith("40{"));
    });

    // the friend writes: Parley's own tab shows it live, the attacker's sockets get nothing
    expect((await send(friend, group.id, "the launch code is 0000")).ok).toBe(true);
    await page.getByTestId("message").filter({ hasText: "the launch code is 0000" }).waitFor();
    await settle(1_000);

    const attack = await evil.evaluate(() => (window as unknown as { attack: Attack }).attack);
    // the socket.io client over websocket is refused by the server with "forbidden"…
    expect(attack.client.websocket).toEqual({ outcome: "forbidden", events: [] });
    // …over polling the browser already keeps the answer from the page (no CORS); it never connects
    expect(attack.client.polling.outcome).not.toBe("connected");
    expect(attack.client.polling.events).toEqual([]);
    // the raw WebSocket: the namespace refused with "forbidden", no acknowledgement, no event
    expect(attack.raw.frames.filter((f) => f.startsWith("4"))).toEqual(['44{"message":"forbidden"}']);
    expect(attack.raw.frames.join("\n")).not.toContain("the launch code");
    // the polling handshake by hand: unreadable
    expect(attack.pollCors).toBe("blocked: TypeError");
    expect(attack.pollNoCors).toEqual({ type: "opaque", body: "" });

    // nothing was sent as the victim
    expect(await testSql()`select id from messages where sender_id = ${victim.id}`).toHaveLength(0);
    await context.close();
  });
});
