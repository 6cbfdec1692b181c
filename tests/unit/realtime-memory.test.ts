/**
 * What a connected socket keeps after its handshake (lib/realtime/memory.ts; issue 15, item 4), on a
 * real Socket.IO server and client over WebSocket: the upgrade request is collected, the listener
 * tables are fast-mode objects, and the connection still works both ways and closes as before.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { EventEmitter } from "node:events";
import { Server, type Socket } from "socket.io";
import { io as connectClient, type Socket as ClientSocket } from "socket.io-client";
import { compactListeners, sharedRoomNames, trimConnection } from "@/lib/realtime/memory";

v8.setFlagsFromString("--expose-gc");
v8.setFlagsFromString("--allow-natives-syntax");
const gc = vm.runInNewContext("gc") as () => void;
// V8's own answer: is this object's property store a fast-mode one (not a hash table)?
const hasFastProperties = new Function("o", "return %HasFastProperties(o)") as (o: object) => boolean;

interface Harness {
  url: string;
  connections: Socket[];
  close(): Promise<void>;
}

/** A plain Socket.IO server whose "connection" handler trims (or not) each socket, as Parley's does. */
async function startServer(trim: boolean, onConnection: (socket: Socket) => void = () => {}): Promise<Harness> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  const connections: Socket[] = [];
  io.on("connection", (socket) => {
    socket.on("disconnecting", () => {});
    onConnection(socket);
    if (trim) trimConnection(socket);
    connections.push(socket);
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}

const clients: ClientSocket[] = [];
function connect(url: string): Promise<ClientSocket> {
  const client = connectClient(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("connect_error", reject);
  });
}

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

/** Collects garbage until `ref` is cleared or `rounds` passes are spent (finalisation takes turns of the loop). */
async function collected(ref: WeakRef<object>, rounds = 10): Promise<boolean> {
  for (let i = 0; i < rounds && ref.deref(); i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return ref.deref() === undefined;
}

describe("trimConnection", () => {
  it("lets the upgrade request be collected once the socket is connected", async () => {
    for (const trim of [true, false]) {
      let request: WeakRef<object> | undefined;
      const server = await startServer(trim, (socket) => {
        request = new WeakRef(socket.conn.request);
      });
      try {
        await connect(server.url);
        await new Promise((resolve) => setTimeout(resolve, 50));
        // untrimmed, engine.io keeps it for the connection's life: the check can tell the two apart
        expect(await collected(request!)).toBe(trim);
      } finally {
        await server.close();
      }
    }
  });

  it("leaves every emitter of the connection with fast-mode listener tables", async () => {
    const server = await startServer(true);
    try {
      await connect(server.url);
      const socket = server.connections[0];
      const transport = socket.conn.transport as unknown as { socket: unknown };
      for (const emitter of [socket, socket.conn, transport, transport.socket] as unknown as { _events: object }[]) {
        expect(Object.getPrototypeOf(emitter._events)).toBeNull();
        expect(hasFastProperties(emitter._events)).toBe(true);
      }
      expect(socket.handshake.headers).toEqual({});
      expect(socket.handshake.query).toEqual({});
      // engine.io's guard for the upgrade is gone; the transport's own error listener stays
      const errorListeners = (transport.socket as EventEmitter).listeners("error");
      expect(errorListeners.map((f) => f.name)).not.toContain("onUpgradeError");
      expect(errorListeners).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("keeps the connection working both ways and closing as before", async () => {
    const server = await startServer(true, (socket) => {
      socket.on("echo", (text: string, ack: (reply: string) => void) => ack(text.toUpperCase()));
    });
    try {
      const client = await connect(server.url);
      expect(await client.timeout(2000).emitWithAck("echo", "hello")).toBe("HELLO");
      const socket = server.connections[0];
      const pushed = new Promise((resolve) => client.once("news", resolve));
      socket.emit("news", { n: 1 });
      expect(await pushed).toEqual({ n: 1 });
      // the server sees the client go (the TCP close reaches engine.io and Socket.IO)
      const gone = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      client.disconnect();
      expect(await gone).toBe("client namespace disconnect");
      // and a client sees the server close it
      const second = await connect(server.url);
      const closed = new Promise<string>((resolve) => second.once("disconnect", resolve));
      server.connections[1].disconnect(true);
      expect(await closed).toBe("io server disconnect");
    } finally {
      await server.close();
    }
  });
});

describe("compactListeners", () => {
  it("keeps every listener, once-listener and removal working on a fast-mode table", () => {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    const a = () => calls.push("a");
    emitter.on("x", a);
    emitter.on("x", () => calls.push("a2"));
    emitter.once("y", () => calls.push("y"));
    emitter.on(Symbol.for("z"), () => calls.push("z"));
    expect(hasFastProperties((emitter as unknown as { _events: object })._events)).toBe(false);
    compactListeners(emitter);
    expect(hasFastProperties((emitter as unknown as { _events: object })._events)).toBe(true);
    emitter.emit("x");
    emitter.emit("y");
    emitter.emit("y");
    emitter.emit(Symbol.for("z"));
    expect(calls).toEqual(["a", "a2", "y", "z"]);
    emitter.removeListener("x", a);
    emitter.emit("x");
    expect(calls.at(-1)).toBe("a2");
    expect(emitter.listenerCount("x")).toBe(1);
    expect(emitter.eventNames()).toEqual(["x", Symbol.for("z")]);
  });

  it("leaves alone what is not a null-prototype listener table", () => {
    const notEmitter = { _events: { a: 1 } };
    const before = notEmitter._events;
    compactListeners(notEmitter);
    compactListeners(null);
    compactListeners({});
    expect(notEmitter._events).toBe(before);
  });
});

describe("sharedRoomNames", () => {
  it("hands back this node's rooms by name, and follows them as they are made and deleted", async () => {
    const rooms: string[] = [];
    const server = await startServer(true, (socket) => {
      // built afresh for each socket, as server.ts builds them
      socket.join(sharedRoomNames(socket.nsp.adapter, [`conversation:${"a".repeat(3)}`, `user:${socket.id.length}`]));
    });
    try {
      await Promise.all([connect(server.url), connect(server.url)]);
      const [first, second] = server.connections;
      const adapter = first.nsp.adapter;
      expect(adapter.rooms.get("conversation:aaa")).toEqual(new Set([first.id, second.id]));
      // a name with no room yet comes back as given; a room's name, as the room's
      rooms.push(...sharedRoomNames(adapter, ["conversation:aaa", "conversation:none"]));
      expect(rooms).toEqual(["conversation:aaa", "conversation:none"]);
      // the room goes with its last member, and a later room of that name works as a new one
      first.leave("conversation:aaa");
      second.leave("conversation:aaa");
      expect(adapter.rooms.has("conversation:aaa")).toBe(false);
      second.join(sharedRoomNames(adapter, ["conversation:aaa"]));
      expect(adapter.rooms.get("conversation:aaa")).toEqual(new Set([second.id]));
      const client = clients.find((c) => c.id === second.id)!;
      const got = new Promise((resolve) => client.once("news", resolve));
      first.nsp.to("conversation:aaa").emit("news", "hi");
      expect(await got).toBe("hi");
    } finally {
      await server.close();
    }
  });
});
