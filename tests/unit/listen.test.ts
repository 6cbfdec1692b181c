/**
 * lib/http/listen.ts: Parley's listening socket holds a reconnecting crowd's connections while its
 * event loop is busy (issue 15, item 5: with Node's default backlog of 511 the reconnect-storm bench
 * counted 71,000 listen-queue overflows and its clients took 27.5 s to come back, 13.8–17.3 s without),
 * and an accept error does not end the process.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { LISTEN_BACKLOG, listen } from "@/lib/http/listen";

const PROBE = path.resolve(__dirname, "../support/listen-probe.ts");
/** More than Node's default backlog (511) and less than Linux's default somaxconn (4096). */
const CROWD = 1500;

function startProbe(mode: "ours" | "default"): { child: ChildProcessByStdio<Writable, Readable, null>; next: () => Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, ["--import", "tsx", PROBE, mode], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, next: async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown> };
}

/** Opens `n` connections to `port` at once and counts those the kernel completed within `withinMs`. */
async function connectCrowd(port: number, n: number, withinMs: number): Promise<number> {
  const sockets: net.Socket[] = [];
  let connected = 0;
  for (let i = 0; i < n; i++) {
    const socket = net.connect(port, "127.0.0.1");
    socket.on("connect", () => connected++);
    socket.on("error", () => {});
    sockets.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, withinMs));
  const within = connected;
  for (const socket of sockets) socket.destroy();
  return within;
}

/** How many connections a listener whose process is not accepting holds, for a crowd of CROWD. */
async function heldWhileBusy(mode: "ours" | "default"): Promise<number> {
  const probe = startProbe(mode);
  try {
    const { port } = await probe.next();
    probe.child.stdin.write("block 3000\n");
    expect(await probe.next()).toEqual({ blocking: true });
    // within 1.5 s: before TCP's second SYN retransmission (1 s, then 3 s), while the probe still blocks
    return await connectCrowd(port as number, CROWD, 1500);
  } finally {
    probe.child.stdin.end();
    probe.child.kill("SIGKILL");
  }
}

describe("the listening socket", () => {
  const somaxconn = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));

  it("asks for the kernel's largest queue", () => {
    expect(LISTEN_BACKLOG).toBeGreaterThanOrEqual(somaxconn);
  });

  it("holds a crowd of connections while the process is busy, where Node's default backlog drops them", async () => {
    // the machine must allow the queue under test (Linux's default since 5.4)
    expect(somaxconn).toBeGreaterThanOrEqual(CROWD);
    const [ours, nodeDefault] = [await heldWhileBusy("ours"), await heldWhileBusy("default")];
    expect(ours).toBe(CROWD);
    // Node's default holds its backlog of 511 (Linux keeps one more), and the rest wait for SYN retries
    expect(nodeDefault).toBeLessThan(600);
  }, 30_000);

  it("logs an accept error and keeps listening, where an unheard one would end the process", async () => {
    const server = net.createServer((socket) => socket.end("ok"));
    await listen(server, 0, "127.0.0.1");
    const warn = jest.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(() => server.emit("error", Object.assign(new Error("accept EMFILE"), { code: "EMFILE" }))).not.toThrow();
      expect(() => server.emit("error", Object.assign(new Error("accept EMFILE"), { code: "EMFILE" }))).not.toThrow();
      // once per run of failures
      expect(warn.mock.calls.filter((call) => call.join(" ").includes("accept EMFILE"))).toHaveLength(1);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
        let text = "";
        socket.on("data", (d) => (text += d));
        socket.on("end", () => resolve(text));
        socket.on("error", reject);
      });
      expect(reply).toBe("ok");
    } finally {
      warn.mockRestore();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("rejects with the listen error when the port is taken", async () => {
    const taken = net.createServer();
    await listen(taken, 0, "127.0.0.1");
    try {
      await expect(listen(net.createServer(), (taken.address() as net.AddressInfo).port, "127.0.0.1")).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
