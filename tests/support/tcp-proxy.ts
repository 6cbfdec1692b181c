/** A TCP proxy a test can cut and restore, to take a service (Redis) away from a server and back. */
import net from "node:net";

export interface TcpProxy {
  url: (scheme: string) => string;
  /** stops forwarding what clients send (a black hole): their requests wait for answers */
  stall(): void;
  /** drops every open connection and refuses new ones until restored */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let up = true;
  let stalled = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.on("data", (chunk) => stalled || upstream.write(chunk));
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const cut = () => {
    up = false;
    stalled = false;
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    stall: () => void (stalled = true),
    cut,
    restore: () => void (up = true),
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
