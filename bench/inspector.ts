/**
 * The Parley server (and the relay) from outside, through the V8 inspector the bench starts them with
 * (`--inspect=127.0.0.1:<port>`): a full garbage collection, so idle-socket memory is read without
 * garbage, and a CPU profile of just a measured window. `ws` is socket.io's own WebSocket dependency.
 */
import WebSocket from "ws";

export interface HeapFigures {
  heapUsedMB: number;
}

interface Inspector {
  call(method: string, params?: object): Promise<Record<string, unknown>>;
  close(): void;
}

async function connect(inspectPort: number): Promise<Inspector> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  const call = (method: string, params?: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 30_000);
      const onMessage = (data: WebSocket.RawData) => {
        const reply = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown> };
        if (reply.id !== id) return;
        clearTimeout(timer);
        ws.off("message", onMessage);
        resolve(reply.result ?? {});
      };
      ws.on("message", onMessage);
      ws.send(JSON.stringify(params ? { id, method, params } : { id, method }));
    });
  return { call, close: () => ws.close() };
}

export async function collectGarbage(inspectPort: number): Promise<HeapFigures> {
  const inspector = await connect(inspectPort);
  try {
    await inspector.call("HeapProfiler.collectGarbage");
    await inspector.call("HeapProfiler.collectGarbage"); // a second pass frees what the first one's finalisers released
    const usage = await inspector.call("Runtime.getHeapUsage");
    return { heapUsedMB: (usage.usedSize as number) / 2 ** 20 };
  } finally {
    inspector.close();
  }
}

/**
 * Starts V8's sampling profiler in the process behind `inspectPort`; the returned function stops it
 * and writes the profile (a .cpuprofile, for bench/profile-summary.ts or Chrome's DevTools) to `file`.
 */
export async function startCpuProfile(inspectPort: number, file: string): Promise<() => Promise<void>> {
  const inspector = await connect(inspectPort);
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.start");
  return async () => {
    try {
      const { profile } = await inspector.call("Profiler.stop");
      const fs = await import("node:fs");
      fs.writeFileSync(file, JSON.stringify(profile));
    } finally {
      inspector.close();
    }
  };
}

/**
 * Starts V8's sampling heap profiler (allocations, including what is collected soon after) in the process behind
 * `inspectPort`; the returned function stops it and writes the profile (a .heapprofile: bytes allocated by stack).
 */
export async function startAllocationProfile(inspectPort: number, file: string): Promise<() => Promise<void>> {
  const inspector = await connect(inspectPort);
  await inspector.call("HeapProfiler.enable");
  await inspector.call("HeapProfiler.startSampling", { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    try {
      const { profile } = await inspector.call("HeapProfiler.stopSampling");
      const fs = await import("node:fs");
      fs.writeFileSync(file, JSON.stringify(profile));
    } finally {
      inspector.close();
    }
  };
}

/**
 * Writes a heap snapshot (a .heapsnapshot, for Chrome's DevTools or bench/heap-summary.ts) of the process behind
 * `inspectPort` to `file`, after a full garbage collection (V8 collects before it snapshots).
 */
export async function takeHeapSnapshot(inspectPort: number, file: string): Promise<void> {
  const target = ((await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[])[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 0 });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const fs = await import("node:fs");
  const out = fs.openSync(file, "w");
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("inspector: HeapProfiler.takeHeapSnapshot timed out")), 600_000);
      ws.on("message", (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { id?: number; method?: string; params?: { chunk: string } };
        if (message.method === "HeapProfiler.addHeapSnapshotChunk") fs.writeSync(out, message.params!.chunk);
        else if (message.id === 1) {
          clearTimeout(timer);
          resolve();
        }
      });
      ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.takeHeapSnapshot", params: { reportProgress: false } }));
    });
  } finally {
    fs.closeSync(out);
    ws.close();
  }
}
