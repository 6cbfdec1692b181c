/**
 * A TCP proxy in front of PostgreSQL that can break one connection at a chosen answer: it forwards
 * everything, reading the server's answers message by message (type byte, then length), and when an
 * armed rule picks one, it drops that connection without passing that answer (or anything after it)
 * on. For tests of what a client does when its connection breaks mid-transaction, for instance after
 * PostgreSQL committed but before the client learned it. One cut per arming.
 */
import net from "node:net";
import { listenInFrontOf } from "./pg-counter";

/** A server message as the proxy reads it: its type ("C" CommandComplete, "D" DataRow, …) and body. */
export interface BackendMessage {
  type: string;
  body: Buffer;
}

export interface PgCutter {
  /** `postgres://…` through the proxy, for DATABASE_URL */
  url: string;
  /**
   * The next server message for which `rule` returns true is not passed on: its connection is dropped
   * (both sides) instead. `rule` sees every server message of every connection from now on, in order.
   * Resolves once it has cut.
   */
  cutWhen(rule: (message: BackendMessage) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** CommandComplete's tag ("COMMIT", "SELECT 3", …), or null for any other message. */
export function commandTag(message: BackendMessage): string | null {
  return message.type === "C" ? message.body.subarray(0, message.body.length - 1).toString("latin1") : null;
}

const SSL_REQUEST = 80877103;

export async function startPgCutter(databaseUrl: string): Promise<PgCutter> {
  const target = new URL(databaseUrl);
  let armed: { rule: (message: BackendMessage) => boolean; done: () => void } | undefined;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    open.add(client).add(upstream);
    let cut = false;
    const drop = () => {
      upstream.destroy();
      open.delete(upstream);
      // after a cut, the client reads what was passed on before it sees the connection close
      if (cut) setTimeout(() => client.destroy(), 50);
      else client.destroy();
      open.delete(client);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    // An SSLRequest is answered with one byte, not a message (the tests' URLs do not ask for SSL).
    let sslByte = false;
    let first = true;
    client.on("data", (chunk: Buffer) => {
      if (first && chunk.length >= 8 && chunk.readInt32BE(4) === SSL_REQUEST) sslByte = true;
      first = false;
      upstream.write(chunk);
    });
    let buffered = Buffer.alloc(0);
    upstream.on("data", (chunk: Buffer) => {
      if (cut) return;
      buffered = Buffer.concat([buffered, chunk]);
      let passed = 0;
      if (sslByte && buffered.length) {
        sslByte = false;
        passed = 1;
      }
      while (buffered.length - passed >= 5) {
        const length = buffered.readInt32BE(passed + 1);
        if (buffered.length - passed < 1 + length) break;
        const message = { type: String.fromCharCode(buffered[passed]), body: buffered.subarray(passed + 5, passed + 1 + length) };
        if (armed?.rule(message)) {
          const { done } = armed;
          armed = undefined;
          cut = true;
          client.write(buffered.subarray(0, passed));
          drop();
          done();
          return;
        }
        passed += 1 + length;
      }
      client.write(buffered.subarray(0, passed));
      buffered = buffered.subarray(passed);
    });
  });
  return {
    url: await listenInFrontOf(server, databaseUrl),
    cutWhen: (rule) => new Promise<void>((done) => void (armed = { rule, done })),
    close() {
      armed = undefined;
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
