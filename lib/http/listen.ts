/**
 * Opening Parley's listening socket (server.ts for one process, cluster.ts's primary for workers).
 */
import "server-only";
import type { Server } from "node:net";
import { outageLog } from "../platform/log";

/**
 * The listen backlog asked of the kernel: how many connections it completes and holds while the
 * process has not accepted them yet. Linux silently lowers a larger value to
 * `net.core.somaxconn` (listen(2); 4096 by default since Linux 5.4), so this asks for "as many as
 * the machine allows", as Go's net package does by reading somaxconn. Node's default is 511.
 *
 * Why: after a restart every client reconnects at once (issue 15, item 5). A queue of 511 fills
 * within one busy turn of the event loop, and the kernel then drops further SYNs and handshakes,
 * which clients send again only after TCP's retransmission delays (1 s, 3 s, 7 s). In the
 * reconnect-storm bench (10,000 clients, the page's 20 s connect timeout) Node's default left the
 * last client caught up 27.5 s after accept, with 71,000 listen-queue overflows
 * (`nstat TcpExtListenOverflows`); this backlog, 13.8–17.3 s and 16,000.
 */
export const LISTEN_BACKLOG = 65_535;

/**
 * Listens on `port` (0: any free port) and `host` with LISTEN_BACKLOG. Resolves once listening;
 * rejects with the listen error (EADDRINUSE, EACCES …).
 *
 * From then on an "error" of the server is an accept that failed (Node's net.Server emits
 * `accept EMFILE` and the like when libuv cannot shed the connection itself): it is logged, once per
 * run of failures, and the server goes on listening, where an unheard "error" would end the process
 * and every client with it.
 */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      const accepts = outageLog("http", "accepting connections");
      server.on("error", accepts.failed);
      server.on("connection", accepts.worked);
      resolve();
    });
  });
}
