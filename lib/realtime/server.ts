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
      socket.join([rooms.user(live.user.id), rooms.session(live.session.id), ...memberships.map(rooms.conversation)]);
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
  // not closures of its own (issue 15, item 4: an idle socket's memory).
  io.on("connection", (socket) => {
    forgetHandshake(socket);
    const { userId } = socket.data;
    void socketConnected(userId).then((first) => {
      const targets = conversationRooms(socket);
      if (first && targets.length) io.to(targets).emit("presence", { userId, online: true });
    });
    socket.on("disconnecting", announceGone);
    registerHandlers(socket);
    closeAtExpiry(socket);
    reconcile(socket).then(reconciles.worked, reconciles.failed);
  });

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
 * Drops what a connected socket no longer needs of its handshake: the request (an IncomingMessage
 * with raw and parsed headers, the session cookie among them, read only by the middlewares above)
 * and the handshake's copy of the headers, as Socket.IO's "Memory usage" guide advises. engine.io
 * (6.6) still holds the request from a listener on the TCP socket, so its header lists are emptied
 * too. About 2 KB per idle socket (issue 15, item 4).
 */
function forgetHandshake(socket: RealtimeSocket): void {
  const request = socket.conn.request as { headers: unknown; rawHeaders: unknown } | null;
  if (request) {
    request.headers = {};
    request.rawHeaders = [];
  }
  (socket.conn as unknown as { request: unknown }).request = null;
  socket.handshake.headers = {};
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
  socket.join([...current].filter((room) => !settledMeanwhile(room)));
}

/** Longest delay setTimeout takes (about 24.8 days; a session lives 30). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Each socket's expiry timer (closeAtExpiry), gone with the socket. */
const expiryTimers = new WeakMap<RealtimeSocket, NodeJS.Timeout>();

/** A socket lives no longer than its session: at the expiry it is told so and disconnected. */
function closeAtExpiry(socket: RealtimeSocket): void {
  armExpiry(socket);
  socket.on("disconnect", clearExpiry);
}

/** Waits for `socket`'s session expiry (in steps of at most MAX_TIMER_MS), then closes it. */
function armExpiry(socket: RealtimeSocket): void {
  const left = socket.data.sessionExpiresAt - Date.now();
  if (left > 0) {
    expiryTimers.set(socket, setTimeout(armExpiry, Math.min(left, MAX_TIMER_MS), socket));
    return;
  }
  socket.emit("session:revoked", { reason: "expired" });
  socket.disconnect(true);
}

/** A socket's "disconnect" (`this`): its expiry timer goes. */
function clearExpiry(this: RealtimeSocket): void {
  clearTimeout(expiryTimers.get(this));
  expiryTimers.delete(this);
}

