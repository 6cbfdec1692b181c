/**
 * Bench-only instrumentation, preloaded into the Parley server by bench/run.ts
 * (`--import ./bench/writer-trace.ts`, active when BENCH_WRITER_TRACE=1): times every group commit
 * of lib/messages/service.ts's writer without changing it, by wrapping the writer's `commit` (transaction,
 * then emits and acks) and the pool's `begin` (the transaction alone) when they are first stored on
 * globalThis. Once a second it prints one line to stderr:
 * `[writer-trace] {"batches":[[size, batch ms, transaction ms], …]}`.
 */
import { performance } from "node:perf_hooks";

type Commit = (batch: unknown[]) => Promise<void>;
type Begin = (...args: unknown[]) => Promise<unknown>;
const elapsed = (since: number) => Math.round((performance.now() - since) * 100) / 100;

if (process.env.BENCH_WRITER_TRACE === "1") {
  let batches: [number, number, number][] = [];
  let lastTransactionMs = NaN;
  let writer: { commit: Commit } | undefined;
  let db: { sql: { begin: Begin } } | undefined;
  Object.defineProperty(globalThis, "__parleyDb", {
    configurable: true,
    get: () => db,
    set(holder: { sql: { begin: Begin } } | undefined) {
      if (holder) {
        const begin = holder.sql.begin.bind(holder.sql);
        holder.sql.begin = (...args) => {
          const started = performance.now();
          return begin(...args).finally(() => (lastTransactionMs = elapsed(started)));
        };
      }
      db = holder;
    },
  });
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
          batches.push([batch.length, elapsed(started), lastTransactionMs]);
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
