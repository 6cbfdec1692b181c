/**
 * What a connected socket keeps once its handshake is over (issue 15, item 4: memory per idle socket).
 *
 * Measured with `BENCH_IDLE_SNAPSHOT=<dir> BENCH_ONLY=idle npm run bench -- --quick` and
 * bench/heap-summary.ts (heap snapshots at 0 and 10,000 sockets, self sizes by constructor and by
 * retainer). Of about 11.6 KB of heap per idle socket, these were the parts held only because of how
 * the handshake left them, and so the parts Parley can drop without changing Socket.IO:
 * - the upgrade request and engine.io's stand-in response for it (`WebSocketResponse`), held for the
 *   connection's life by a "close" relay on the TCP socket meant for engine.io middlewares, which
 *   Parley has none of;
 * - the handshake's headers, query, auth, address, URL and time, read only by the middlewares;
 * - engine.io's "error" guard for a WebSocket before its transport took errors over, left in place
 *   when the connection is WebSocket-only;
 * - the once() wrappers of engine.io's "close" handlers on the WebSocket and its transport;
 * - lists of one entry that V8 gave room for 17 when they were pushed into;
 * - the listener tables (`_events`) of the connection's four event emitters: Node's EventEmitter makes
 *   them with a null prototype (`{ __proto__: null }`), which V8 keeps in dictionary mode (a hash table
 *   of about 300 bytes); the same keys in a fast-mode object take about 90, and objects made in the same
 *   order share one hidden class.
 * Everything here touches only what no reader of the socket still needs; each part checks the shape it
 * expects and leaves anything else alone, so a changed dependency costs memory, never behaviour.
 */
import "server-only";
import type { Socket } from "socket.io";

/** A shared, frozen stand-in for the handshake's emptied records. */
const NOTHING = Object.freeze({}) as Record<string, never>;

/**
 * The source of engine.io's (6.6) WebSocketResponse "close" relay (`socket.once("close", () => this.emit("close"))`),
 * the one listener that keeps the upgrade request alive after the upgrade.
 */
const RESPONSE_CLOSE_RELAY = '() => this.emit("close")';

/**
 * Drops what `socket` no longer needs of its handshake and compacts its listener tables; call once,
 * on "connection", after every middleware has read the handshake. Socket.IO's "Memory usage" guide
 * advises the first part (https://socket.io/docs/v4/memory-usage/).
 */
export function trimConnection(socket: Socket): void {
  releaseUpgrade(socket);
  (socket as { handshake: Socket["handshake"] }).handshake = SPENT_HANDSHAKE;
  const transport = socket.conn.transport as unknown as { socket?: NodeJS.EventEmitter };
  dropUpgradeErrorListener(transport.socket);
  for (const emitter of [transport, transport.socket]) unwrapCloseOnce(emitter);
  for (const emitter of [socket, socket.conn, transport, transport.socket]) compactListeners(emitter);
  // lists of one or two entries that a push() gave room for 17 (V8 grows an empty array so): copied to their length
  const decoder = (socket as unknown as { client: { decoder?: { _callbacks?: Record<string, unknown> } } }).client.decoder;
  fitArray(socket, "_anyListeners");
  fitArray(socket.conn, "cleanupFn");
  fitArray(decoder?._callbacks, "$decoded");
}

/**
 * Every socket's handshake once it is connected: one shared record whose fields are empty. The
 * handshake (headers with the session cookie, query, auth, address, URL, time) is read only by the
 * middlewares in server.ts, before "connection".
 */
const SPENT_HANDSHAKE: Socket["handshake"] = Object.freeze({
  headers: NOTHING,
  time: "",
  address: "",
  xdomain: false,
  secure: false,
  issued: 0,
  url: "",
  query: NOTHING,
  auth: NOTHING,
});

/**
 * engine.io (6.6 Server.onWebSocket) guards a new WebSocket with an "error" listener named
 * `onUpgradeError` until its transport takes errors over; it removes it on the upgrade of a polling
 * session but not on a WebSocket-only handshake, where the transport's own listener is added beside it.
 */
function dropUpgradeErrorListener(websocket: NodeJS.EventEmitter | undefined): void {
  if (!websocket || typeof websocket.rawListeners !== "function") return;
  const listeners = websocket.rawListeners("error");
  if (listeners.length < 2) return; // the transport's own must stay
  for (const listener of listeners) if (listener.name === "onUpgradeError") websocket.removeListener("error", listener as (...args: unknown[]) => void);
}

/**
 * Replaces the once() wrappers of `emitter`'s "close" listeners by the listeners themselves. A once()
 * costs a wrapper, its state record and a property on it (about 180 bytes); engine.io registers its
 * "close" handlers on the ws WebSocket and on the transport with once(). Each of those emits "close" a
 * single time (ws: `emitClose`, engine.io: `Transport.onClose`), and the handlers they call are
 * idempotent besides, so once() and on() behave alike; removeListener(listener) finds either.
 */
function unwrapCloseOnce(emitter: unknown): void {
  const events = (emitter as { _events?: Record<string, unknown> } | null | undefined)?._events;
  const entry = events?.close;
  if (!entry) return;
  const unwrap = (listener: unknown) => {
    const inner = (listener as { listener?: unknown }).listener;
    return typeof listener === "function" && typeof inner === "function" ? inner : listener;
  };
  events!.close = Array.isArray(entry) ? entry.map(unwrap) : unwrap(entry);
}

/** Replaces `holder[key]`, when it is an array, by a copy of its own length. */
function fitArray(holder: unknown, key: string): void {
  const record = holder as Record<string, unknown> | null | undefined;
  const list = record?.[key];
  if (Array.isArray(list)) record![key] = list.slice();
}

/**
 * Lets the upgrade request go: engine.io's holder (`conn.request`) is cleared, the request's header
 * lists are emptied, and the TCP socket's "close" relay to engine.io's stand-in response (which
 * holds the request) is removed. About 1 KB per idle socket.
 */
function releaseUpgrade(socket: Socket): void {
  const request = socket.conn.request as { headers: unknown; rawHeaders: unknown; socket?: NodeJS.EventEmitter } | null;
  if (!request) return;
  request.headers = {};
  request.rawHeaders = [];
  const tcp = request.socket;
  if (tcp && typeof tcp.rawListeners === "function") {
    for (const listener of tcp.rawListeners("close")) {
      const relayed = (listener as { listener?: unknown }).listener; // a once() wrapper's listener
      if (typeof relayed === "function" && Function.prototype.toString.call(relayed) === RESPONSE_CLOSE_RELAY) {
        tcp.removeListener("close", listener as (...args: unknown[]) => void);
      }
    }
  }
  (socket.conn as unknown as { request: unknown }).request = null;
}

/**
 * Replaces `emitter`'s listener table, when it is a null-prototype dictionary (Node's EventEmitter),
 * by a fast-mode object with the same keys and values and a null prototype: EventEmitter reads and
 * writes `_events` by key only, so nothing else changes. A later removal of an event name turns it
 * back into a dictionary, which is what it was.
 */
export function compactListeners(emitter: unknown): void {
  const holder = emitter as { _events?: Record<PropertyKey, unknown> } | null | undefined;
  const events = holder?._events;
  if (!events || typeof events !== "object" || Object.getPrototypeOf(events) !== null) return;
  const fast: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(events)) fast[key] = events[key];
  holder!._events = Object.setPrototypeOf(fast, null);
}

/** What an adapter emits as its rooms come and go (socket.io-adapter: "create-room", "delete-room"). */
type RoomEvents = { on(event: "create-room" | "delete-room", listener: (room: string) => void): unknown; rooms: Map<string, unknown> };

/** Each adapter's room names, each held once: the string its rooms Map is keyed by. */
const roomNames = new WeakMap<object, Map<string, string>>();

/**
 * `names`, each replaced by the string of this node's room of that name when there is one. A socket's
 * record of its rooms (the adapter's `sids`) keeps the strings it joined with, so without this every
 * socket of a busy room held its own copy of the room's name (about 100 bytes: "conversation:" and a
 * UUID, concatenated). The table follows the adapter's own rooms ("create-room" / "delete-room"), so it
 * holds a name only while a room of that name exists; `adapter` is looked up at each call, since
 * server.ts may replace it (the Redis adapter).
 */
export function sharedRoomNames(adapter: object, names: string[]): string[] {
  let known = roomNames.get(adapter);
  if (!known) {
    const table = new Map<string, string>();
    const events = adapter as RoomEvents;
    for (const room of events.rooms.keys()) table.set(room, room);
    events.on("create-room", (room) => table.set(room, room));
    events.on("delete-room", (room) => table.delete(room));
    roomNames.set(adapter, (known = table));
  }
  return names.map((name) => known.get(name) ?? name);
}
