/**
 * For tests/unit/listen.test.ts, run as its own process so that its event loop can be stopped while the
 * test connects: listens on a free port of 127.0.0.1 with lib/http/listen.ts (or Node's default backlog
 * when `argv[2]` is "default"), prints `{"port":…}`, and on the line "block <ms>" from stdin prints
 * `{"blocking":true}` and then holds its only thread for that long, accepting nothing, as a server busy
 * with a reconnecting crowd does. Exits when stdin closes.
 */
import net from "node:net";
import { listen } from "../../lib/http/listen";

async function main(): Promise<void> {
  const server = net.createServer((socket) => socket.on("error", () => {}));
  if (process.argv[2] === "default") await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  else await listen(server, 0, "127.0.0.1");
  console.log(JSON.stringify({ port: (server.address() as net.AddressInfo).port }));
  let input = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    input += chunk;
    const match = /^block (\d+)\n/.exec(input);
    if (!match) return;
    input = input.slice(match[0].length);
    console.log(JSON.stringify({ blocking: true }));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(match[1]));
  });
  process.stdin.on("end", () => process.exit(0));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
