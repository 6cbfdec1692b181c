/**
 * Forces a full garbage collection in the Parley server from outside, through the V8 inspector the
 * bench starts it with (`--inspect=127.0.0.1:<port>`), so idle-socket memory is read without garbage.
 * `ws` is socket.io's own WebSocket dependency.
 */
import WebSocket from "ws";

export interface HeapFigures {
  heapUsedMB: number;
}

export async function collectGarbage(inspectPort: number): Promise<HeapFigures> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 30_000);
      ws.on("message", (data) => {
        const reply = JSON.parse(String(data)) as { id?: number; result?: Record<string, number> };
        if (reply.id !== id) return;
        clearTimeout(timer);
        resolve(reply.result ?? {});
      });
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage"); // a second pass frees what the first one's finalisers released
    const usage = await call("Runtime.getHeapUsage");
    return { heapUsedMB: usage.usedSize / 2 ** 20 };
  } finally {
    ws.close();
  }
}
