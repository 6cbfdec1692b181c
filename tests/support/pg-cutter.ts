/**
 * A TCP proxy in front of PostgreSQL that can break one connection at a chosen answer: it forwards
 * everything, reading the server's answers message by message (type byte, then length), and when an
 * armed rule picks one, it drops that connection without passing that answer (or anything after it)
 * on. For tests of what a client does when its connection breaks mid-transaction, for instance after
 * PostgreSQL committed but before the client learned it. One cut per arming.
 */
import net from "node:net";
import { listenInFrontOf } from "./pg-counter";

/** A protocol message as the proxy reads it: its type (the server's "C" CommandComplete, "D" DataRow, …; the client's "P" Parse, …) and body. */
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
  /**
   * The next piece the client sends that holds a message `rule` picks (its messages as the server reads
   * them: "P" Parse with the statement's text, "E" Execute, …) is passed on whole, and its connection is
   * dropped 20 ms later, before the client hears any answer: the server may still be running it.
   */
  cutAfterSent(rule: (message: BackendMessage) => boolean): Promise<void>;
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
  let armedSent: { rule: (message: BackendMessage) => boolean; done: () => void } | undefined;
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
    // the client's messages, read only to find what `cutAfterSent` waits for: the startup message
    // (length first, no type byte), then typed messages like the server's
    let sent = Buffer.alloc(0);
    let startup = true;
    client.on("data", (chunk: Buffer) => {
      if (first && chunk.length >= 8 && chunk.readInt32BE(4) === SSL_REQUEST) sslByte = true;
      first = false;
      sent = Buffer.concat([sent, chunk]);
      let picked = false;
      for (;;) {
        if (startup) {
          if (sent.length < 8) break;
          const length = sent.readInt32BE(0);
          if (sent.length < length) break;
          if (sent.readInt32BE(4) !== SSL_REQUEST) startup = false;
          sent = sent.subarray(length);
          continue;
        }
        if (sent.length < 5) break;
        const length = sent.readInt32BE(1);
        if (sent.length < 1 + length) break;
        if (armedSent?.rule({ type: String.fromCharCode(sent[0]), body: sent.subarray(5, 1 + length) })) picked = true;
        sent = sent.subarray(1 + length);
      }
      if (!picked) {
        upstream.write(chunk);
        return;
      }
      // the server gets all of it; the connection breaks just after, before any answer comes back
      const { done } = armedSent!;
      armedSent = undefined;
      cut = true;
      upstream.write(chunk, () => setTimeout(() => (drop(), done()), 20));
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
    cutAfterSent: (rule) => new Promise<void>((done) => void (armedSent = { rule, done })),
    close() {
      armed = armedSent = undefined;
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
