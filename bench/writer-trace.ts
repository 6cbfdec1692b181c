/**
 * Bench-only instrumentation, preloaded into the Parley server by bench/run.ts
 * (`--import ./bench/writer-trace.ts`, active when BENCH_WRITER_TRACE=1): times every group commit
 * of lib/messages.ts's writer without changing it, by wrapping the writer's `commit` when the writer
 * is first stored on globalThis. Once a second it prints one line to stderr:
 * `[writer-trace] {"batches":[[size, ms], …]}`.
 */
import { performance } from "node:perf_hooks";

type Commit = (batch: unknown[]) => Promise<void>;

if (process.env.BENCH_WRITER_TRACE === "1") {
  let batches: [number, number][] = [];
  let writer: { commit: Commit } | undefined;
  Object.defineProperty(globalThis, "__parleyWriter", {
    configurable: true,
    get: () => writer,
    set(w: { commit: Commit }) {
      const commit = w.commit.bind(w);
      w.commit = async (batch) => {
        const started = performance.now();
        try {
          await commit(batch);
        } finally {
          batches.push([batch.length, Math.round((performance.now() - started) * 100) / 100]);
        }
      };
      writer = w;
    },
  });
  setInterval(() => {
    if (!batches.length) return;
    process.stderr.write(`[writer-trace] ${JSON.stringify({ batches })}\n`);
    batches = [];
  }, 1000).unref();
}
