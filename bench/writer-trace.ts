/**
 * Bench-only instrumentation, preloaded into the Parley server by bench/run.ts
 * (`--import ./bench/writer-trace.ts`, active when BENCH_WRITER_TRACE=1): times every group commit
 * of lib/messages/writer.ts through its public hook (observeBatches), without changing the writer.
 * Once a second it prints one line to stderr:
 * `[writer-trace] {"batches":[[size, batch ms, transaction ms], …]}`.
 */
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
