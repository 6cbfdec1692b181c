/**
 * A TCP proxy in front of PostgreSQL that counts the statements a server sends through it: each
 * simple query ('Q') and each extended-protocol round trip (ended by 'Sync', as postgres.js sends one
 * per query). For tests that bound how many queries some work costs a server process.
 */
import net from "node:net";

export interface PgCounter {
  /** `postgres://…` through the proxy, for the server's DATABASE_URL */
  url: string;
  /** statements counted so far, over every connection */
  statements(): number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

/** Counts the frontend messages of one connection's client → server stream. */
function frontendCounter(onStatement: () => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (!started) {
        // startup-phase messages have no type byte: length, then a code
        if (buffered.length < 8) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        buffered = buffered.subarray(length);
        if (code !== SSL_REQUEST && code !== GSS_REQUEST) started = true;
        continue;
      }
      if (buffered.length < 5) return;
      const length = buffered.readInt32BE(1);
      if (buffered.length < 1 + length) return;
      const type = String.fromCharCode(buffered[0]);
      if (type === "Q" || type === "S") onStatement();
      buffered = buffered.subarray(1 + length);
    }
  };
}

/** Starts `proxy` on a free loopback port; returns `databaseUrl` with that host and port instead. */
export async function listenInFrontOf(proxy: net.Server, databaseUrl: string): Promise<string> {
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String((proxy.address() as net.AddressInfo).port);
  return url.toString();
}

/** Starts the proxy in front of the database at `databaseUrl`. */
export async function startPgCounter(databaseUrl: string): Promise<PgCounter> {
  const target = new URL(databaseUrl);
  let count = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    const count_ = frontendCounter(() => count++);
    client.on("data", (chunk: Buffer) => {
      count_(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  return {
    url: await listenInFrontOf(server, databaseUrl),
    statements: () => count,
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
