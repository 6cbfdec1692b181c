/**
 * Every Socket.IO packet is parsed as it arrives, before the origin check, authentication or any
 * limit: a packet nested deeply enough takes JSON.parse a third of a second per megabyte, and needs
 * no account. Such packets are refused before parsing and their connection closed
 * (lib/realtime/parser.ts); everyone else's messages keep flowing.
 */
import { io } from "socket.io-client";
import { MAX_NESTING } from "@/lib/realtime/parser";
import { baseUrl, closeTestSql } from "../support/api";
import { chatUser, createDirect, send } from "../support/chat";
import { closeAllSockets } from "../support/sockets";

afterAll(() => {
  closeAllSockets();
  return closeTestSql();
});

/** An engine.io connection with no cookie and no namespace joined: what an anonymous attacker gets. */
function anonymousEngine() {
  const manager = io(baseUrl(), { path: "/socket.io", transports: ["websocket"], reconnection: false, forceNew: true, autoConnect: false }).io;
  manager.open();
  return new Promise<{ write(data: string): void; closed: Promise<number> }>((resolve, reject) => {
    manager.once("open", () => {
      const engine = manager.engine;
      const closed = new Promise<number>((r) => engine.once("close", () => r(performance.now())));
      resolve({ write: (data) => engine.write(data), closed });
    });
    manager.once("error", reject);
  });
}

const nested = (depth: number) => `2["x",${"[".repeat(depth)}${"]".repeat(depth)}]`;

describe("deeply nested packets", () => {
  it("closes an anonymous connection that sends one at once, before parsing it", async () => {
    for (const packet of [nested(200_000), `0${"{\"a\":".repeat(MAX_NESTING + 1)}1${"}".repeat(MAX_NESTING + 1)}`]) {
      const engine = await anonymousEngine();
      const sent = performance.now();
      engine.write(packet);
      const closedAt = await Promise.race([engine.closed, new Promise<number>((r) => setTimeout(() => r(-1), 3000))]);
      expect(closedAt).toBeGreaterThan(0); // closed by the server, not left open
      expect(closedAt - sent).toBeLessThan(1000);
    }
  });

  it("leaves other users' messages flowing while an attacker keeps sending them", async () => {
    const [ada, bob] = await Promise.all([chatUser(), chatUser()]);
    const dm = await createDirect(ada, bob);
    let attacking = true;
    const attacker = (async () => {
      for (let i = 0; i < 20 && attacking; i++) {
        const engine = await anonymousEngine();
        engine.write(nested(500_000));
        await engine.closed;
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const sent = await send(ada, dm.id, `hello ${i}`);
      expect(sent.ok).toBe(true);
      latencies.push(performance.now() - started);
    }
    attacking = false;
    await attacker;
    // one 500,000-deep packet alone held the server for ~0.3 s before this guard
    expect(Math.max(...latencies)).toBeLessThan(250);
  });
});
