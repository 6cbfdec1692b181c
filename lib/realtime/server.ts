import "server-only";
import type { Server as HttpServer } from "node:http";
import { parse as parseCookies } from "cookie";
import { Server } from "socket.io";
import { authenticateCookies } from "../http/next-auth";
import { isCrossOrigin } from "../http/origin";
import { outageLog } from "../platform/log";
import { onPresenceAnnouncements, presenceRefreshMs, refreshPresence, socketConnected, socketDisconnected } from "../people/presence";
import { limitHandshakesPerUser, limitSocketsPerUser } from "./budget";
import { boundedParser } from "./parser";
import { rooms } from "./contract";
import { listMembershipIds } from "../conversations/store";
import { getLiveSession } from "../sessions/store";
import { startDelivery } from "./delivery";
import { registerHandlers } from "./handlers";
import { sharedRoomNames, trimConnection } from "./memory";
import { lastMembershipChange, membershipChangedSince, type RealtimeServer } from "./registry";

/** 1 MiB + 64 KiB: see RealtimeOptions.maxHttpBufferSize. */
export const MAX_PACKET_BYTES = 1024 * 1024 + 64 * 1024;

export interface RealtimeOptions {
  /**
   * Largest packet read. The protocol's largest legitimate packet is a 4,000-character message
   * (≤ 16 KB of UTF-8) and its envelope; the limit leaves room for a hostile body of up to 1 MB to
   * be read and refused in-protocol (`bad_request`), and closes the connection on anything larger
   * rather than buffering it.
   */
  maxHttpBufferSize?: number;
  /** false in development, where Next's HMR websocket shares the server's upgrades */
  destroyUpgrade?: boolean;
  /** several nodes share presence through Redis: refresh it and sweep dead nodes' users */
  sweepPresence?: boolean;
}

/** Builds the Socket.IO server on an HTTP server: authenticated handshake, rooms, handlers. */
export function createRealtime(httpServer: HttpServer, opts: RealtimeOptions = {}): RealtimeServer {
  const io: RealtimeServer = new Server(httpServer, {
    path: "/socket.io",
    maxHttpBufferSize: opts.maxHttpBufferSize ?? MAX_PACKET_BYTES,
    serveClient: false,
    // refuses packets nested too deeply before JSON.parse sees them (lib/realtime/parser.ts)
    parser: boundedParser,
    destroyUpgrade: opts.destroyUpgrade ?? true,
  });

  // Cross-site WebSocket hijacking (OWASP WebSocket Security cheat sheet): a WebSocket is not bound
  // by CORS and carries the cookie, so a page of another origin on the same site (a sibling
  // subdomain, another port) would connect as the user. Refused before authentication, on every
  // transport: the handshake request's Origin must be the app's own (lib/http/origin.ts).
  io.use((socket, next) => {
    if (isCrossOrigin(socket.request.headers)) return next(new Error("forbidden"));
    next();
  });

  // a database outage fails every handshake and reconcile of a reconnecting crowd: logged once per outage
  const handshakes = outageLog("realtime", "authenticating sockets");
  const reconciles = outageLog("realtime", "reconciling a socket's rooms");
  io.use(async (socket, next) => {
    try {
      const live = await authenticateCookies(parseCookies(socket.request.headers.cookie ?? ""));
      if (!live) return next(new Error("unauthorized"));
      socket.data.userId = live.user.id;
      socket.data.sessionId = live.session.id;
      socket.data.sessionExpiresAt = live.session.expiresAt.getTime();
      // Rooms are joined before the connection is announced, so nothing sent later is missed.
      const memberships = await listMembershipIds(live.user.id);
      socket.join(sharedRoomNames(socket.nsp.adapter, [rooms.user(live.user.id), rooms.session(live.session.id), ...memberships.map(rooms.conversation)]));
      handshakes.worked();
      next();
    } catch (err) {
      handshakes.failed(err);
      next(new Error("unavailable"));
    }
  });
  // after authentication, which put the socket in its user's room
  io.use(limitSocketsPerUser(io));
  io.use(limitHandshakesPerUser());

  // What a connected socket keeps is shared by every socket: its listeners are module functions,
  // not closures of its own, and what the handshake left behind is dropped (./memory.ts; issue 15,
  // item 4: an idle socket's memory).
  io.on("connection", (socket) => {
    const { userId } = socket.data;
    void socketConnected(userId).then((first) => {
      const targets = conversationRooms(socket);
      if (first && targets.length) io.to(targets).emit("presence", { userId, online: true });
    });
    socket.on("disconnecting", announceGone);
    registerHandlers(socket);
    trimConnection(socket);
    reconcile(socket).then(reconciles.worked, reconciles.failed);
  });
  // A socket lives no longer than its session: one sweep for all of them, not a timer each.
  const expiry = setInterval(closeExpired, EXPIRY_SWEEP_MS, io);
  expiry.unref();
  httpServer.once("close", () => clearInterval(expiry));

  // In a cluster worker the primary orders "online" / "offline" (lib/people/presence.ts tallyPresence),
  // and this worker emits those it is given, to the user's conversations.
  onPresenceAnnouncements(async (userId, online) => {
    const memberships = await listMembershipIds(userId);
    if (memberships.length) io.to(memberships.map(rooms.conversation)).emit("presence", { userId, online });
  });

  if (opts.sweepPresence) {
    // Keeps this node's presence fresh and announces users whose nodes died (see lib/people/presence.ts).
    const outage = outageLog("presence", "refreshing presence");
    const timer = setInterval(() => {
      refreshPresence()
        .then(async (gone) => {
          for (const userId of gone) {
            const memberships = await listMembershipIds(userId);
            if (memberships.length) io.to(memberships.map(rooms.conversation)).emit("presence", { userId, online: false });
          }
        })
        .then(outage.worked, outage.failed);
    }, presenceRefreshMs());
    timer.unref();
    httpServer.once("close", () => clearInterval(timer));
  }

  const stopDelivery = startDelivery(io);
  httpServer.once("close", stopDelivery);
  return io;
}

type RealtimeSocket = Parameters<Parameters<RealtimeServer["on"]>[1]>[0];

/** The conversation rooms `socket` is in. */
function conversationRooms(socket: RealtimeSocket): string[] {
  return [...socket.rooms].filter((r) => r.startsWith("conversation:"));
}

/** A socket's "disconnecting" (`this`, still in its rooms): tells its conversations when its user's last socket went. */
function announceGone(this: RealtimeSocket): void {
  const socket = this;
  const { userId } = socket.data;
  const targets = conversationRooms(socket); // the rooms are gone once the socket has disconnected
  const io = socket.nsp.server as unknown as RealtimeServer;
  void socketDisconnected(userId).then((gone) => {
    if (gone && targets.length) io.to(targets).emit("presence", { userId, online: false });
  });
}

/**
 * The handshake read the session and the memberships before the socket could be reached by a
 * sign-out (which disconnects the session's room) or a membership change (which moves the user's
 * room): one landing in between would be missed. Once connected the socket can be reached, so both
 * are read again (the session, then the memberships) and whatever changed in between is corrected.
 */
async function reconcile(socket: RealtimeSocket): Promise<void> {
  // the socket is connected (announcements reach it) from here: changes numbered after this are newer than the read
  const started = lastMembershipChange();
  const live = await getLiveSession(socket.data.sessionId);
  if (!live) {
    socket.emit("session:revoked", { reason: "signed_out" });
    socket.disconnect(true);
    return;
  }
  const current = new Set((await listMembershipIds(socket.data.userId)).map(rooms.conversation));
  // A membership announced while the read was in flight is newer than the read: leave it as is.
  const settledMeanwhile = (room: string) => membershipChangedSince(socket.data.userId, room.slice("conversation:".length), started);
  for (const room of socket.rooms) if (room.startsWith("conversation:") && !current.has(room) && !settledMeanwhile(room)) socket.leave(room);
  socket.join(sharedRoomNames(socket.nsp.adapter, [...current].filter((room) => !settledMeanwhile(room))));
}

/** How often open sockets are checked against their sessions' expiry (ms): a socket outlives its session by at most this. */
const EXPIRY_SWEEP_MS = 1000;

/**
 * Tells every socket whose session has expired so (`session:revoked`, reason "expired") and
 * disconnects it. One pass over this node's sockets each EXPIRY_SWEEP_MS (about 30 µs for 10,000 records)
 * instead of a timer per socket, which cost about 250 bytes each (issue 15, item 4).
 */
function closeExpired(io: RealtimeServer): void {
  const now = Date.now();
  for (const socket of io.of("/").sockets.values()) {
    if (socket.data.sessionExpiresAt > now) continue;
    socket.emit("session:revoked", { reason: "expired" });
    socket.disconnect(true);
  }
}
