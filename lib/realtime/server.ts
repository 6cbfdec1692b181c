import type { Server as HttpServer } from "node:http";
import { parse as parseCookies } from "cookie";
import { Server } from "socket.io";
import { authenticateCookies } from "../auth";
import { rooms } from "./events";
import { setRealtimeServer, type RealtimeServer } from "./registry";

export interface RealtimeOptions {
  /** Largest accepted packet; a 4,000-character message plus its envelope fits well within it. */
  maxHttpBufferSize?: number;
  /** false in development, where Next's HMR websocket shares the server's upgrades */
  destroyUpgrade?: boolean;
}

/** Builds the Socket.IO server on an HTTP server: authenticated handshake, rooms, handlers. */
export function createRealtime(httpServer: HttpServer, opts: RealtimeOptions = {}): RealtimeServer {
  const io: RealtimeServer = new Server(httpServer, {
    path: "/socket.io",
    maxHttpBufferSize: opts.maxHttpBufferSize ?? 64 * 1024,
    serveClient: false,
    destroyUpgrade: opts.destroyUpgrade ?? true,
  });

  io.use(async (socket, next) => {
    try {
      const live = await authenticateCookies(parseCookies(socket.request.headers.cookie ?? ""));
      if (!live) return next(new Error("unauthorized"));
      socket.data.userId = live.user.id;
      socket.data.sessionId = live.session.id;
      next();
    } catch (err) {
      console.error("[realtime] handshake failed:", err);
      next(new Error("unavailable"));
    }
  });

  io.on("connection", (socket) => {
    const { userId, sessionId } = socket.data;
    socket.join([rooms.user(userId), rooms.session(sessionId)]);
    socket.on("ping", (ack) => {
      if (typeof ack === "function") ack({ ok: true, userId });
    });
  });

  setRealtimeServer(io);
  return io;
}
