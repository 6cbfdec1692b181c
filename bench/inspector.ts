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
  call(method: string, params?: object, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): void;
}

/** The inspector of the process behind `inspectPort`; `onEvent` is given every notification (a message without an id). */
async function connect(inspectPort: number, onEvent?: (method: string, params: Record<string, unknown>) => void): Promise<Inspector> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  if (onEvent) {
    ws.on("message", (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as { id?: number; method?: string; params?: Record<string, unknown> };
      if (message.id === undefined && message.method) onEvent(message.method, message.params ?? {});
    });
  }
  let nextId = 1;
  const call = (method: string, params?: object, timeoutMs = 30_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), timeoutMs);
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
  const fs = await import("node:fs");
  let out = -1; // opened once connected: the chunks come only after the call below
  const inspector = await connect(inspectPort, (method, params) => {
    if (method === "HeapProfiler.addHeapSnapshotChunk") fs.writeSync(out, params.chunk as string);
  });
  try {
    out = fs.openSync(file, "w");
    await inspector.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, 600_000);
  } finally {
    if (out >= 0) fs.closeSync(out);
    inspector.close();
  }
}
