/**
 * Bench-only instrumentation, preloaded into the Parley server by bench/run.ts
 * (`--import ./bench/writer-trace.ts`, active when BENCH_WRITER_TRACE=1): times every group commit
 * of lib/messages/writer.ts through its public hook (observeBatches), without changing the writer.
 * Once a second it prints one line to stderr:
 * `[writer-trace] {"batches":[[size, batch ms, transaction ms], …]}`.
 */
import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { observeBatches } from "@/lib/messages/writer";

const rounded = (ms: number) => Math.round(ms * 100) / 100;

if (process.env.BENCH_WRITER_TRACE === "1") {
  let batches: [number, number, number][] = [];
  observeBatches(({ size, batchMs, transactionMs }) => batches.push([size, rounded(batchMs), rounded(transactionMs)]));
  setInterval(() => {
    if (!batches.length) return;
    process.stderr.write(`[writer-trace] ${JSON.stringify({ batches })}\n`);
    batches = [];
  }, 1000).unref();
}

/**
 * BENCH_GC_TRACE=1: once a second, the main thread's garbage-collection pauses of the last second by kind
 * (`[gc-trace] minor 12 × 1.3 ms, major 1 × 20.4 ms, …`), as perf_hooks reports them, and the young generation's size.
 */
if (process.env.BENCH_GC_TRACE === "1") {
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
  };
  let pauses = new Map<string, { n: number; ms: number }>();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[(e as unknown as { detail: { kind: number } }).detail.kind] ?? "other";
      const p = pauses.get(kind) ?? { n: 0, ms: 0 };
      p.n++;
      p.ms += e.duration;
      pauses.set(kind, p);
    }
  }).observe({ entryTypes: ["gc"] });
  setInterval(() => {
    if (!pauses.size) return;
    const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    const mb = (bytes = 0) => (bytes / 2 ** 20).toFixed(1);
    process.stderr.write(`[gc-trace] ${[...pauses].map(([k, p]) => `${k} ${p.n} × ${(p.ms / p.n).toFixed(1)} ms`).join(", ")}; new space ${mb(young?.space_size)} MB\n`);
    pauses = new Map();
  }, 1000).unref();
}
