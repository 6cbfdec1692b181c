/**
 * The baseline: a bare Socket.IO relay with no authentication and no storage. A socket joins its
 * group's room from the handshake query (`u` user id, `g` group id); `message:send` is acked at once
 * and emitted to the room as `message:new`, shaped like Parley's Message. Listens on 127.0.0.1:PORT.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

/**
 * BENCH_RELAY_NEXT=1: the relay runs inside what Parley's process carries besides its own code, to tell the two
 * apart: Next's production server loaded (its heap, its patched Date, nextTick and setImmediate) and async hooks on
 * (an AsyncLocalStorage used once, as Next's request handling does on the first request).
 */
async function loadNext(): Promise<void> {
  if (process.env.BENCH_RELAY_NEXT !== "1") return;
  const { default: next } = await import("next");
  await next({ dev: false, dir: process.cwd() }).prepare();
  const { AsyncLocalStorage } = await import("node:async_hooks");
  new AsyncLocalStorage().run(0, () => {});
  console.log("[relay] inside Next's server environment");
}

const httpServer = createServer();
const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, { serveClient: false });
let seq = 0;

io.on("connection", (socket) => {
  const userId = String(socket.handshake.query.u);
  socket.join(`conversation:${socket.handshake.query.g}`);
  socket.on("message:send", ({ conversationId, clientId, body }, ack) => {
    seq++;
    const message: MessageView = {
      ...PLAIN_TEXT,
      id: randomUUID(),
      conversationId,
      seq,
      rev: seq,
      senderId: userId,
      clientId,
      body,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
    };
    ack({ ok: true, message });
    io.to(`conversation:${conversationId}`).emit("message:new", message);
  });
});

void loadNext().then(() => httpServer.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("[relay] ready")));
process.once("SIGTERM", () => io.close(() => process.exit(0)));
