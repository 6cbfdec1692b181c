/**
 * Bench-only instrumentation, preloaded into the restarted server by bench/storm.ts when
 * BENCH_STORM_TRACE=1 (`--import ./bench/storm-trace.ts`): once a second, one stderr line
 * `[storm-trace] {...}` with the handshakes started and finished (Socket.IO's middleware chain,
 * timed around Namespace.run), their p50 / p99 / max (ms), and the event loop's delay p99 / max (ms).
 * For diagnosis only: it patches socket.io's internals and changes nothing else.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

if (process.env.BENCH_STORM_TRACE === "1") {
  const { Namespace } = require("socket.io") as { Namespace: { prototype: { run(socket: unknown, fn: (err?: Error) => void): void } } };
  const original = Namespace.prototype.run;
  let started = 0;
  let finished = 0;
  let refused = 0;
  let durations: number[] = [];
  Namespace.prototype.run = function (socket, fn) {
    const t = performance.now();
    started++;
    original.call(this, socket, (err?: Error) => {
      finished++;
      if (err) refused++;
      durations.push(performance.now() - t);
      fn(err);
    });
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const at = (sorted: number[], p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]) : 0);
  setInterval(() => {
    const sorted = durations.sort((a, b) => a - b);
    const line = { started, finished, refused, p50: at(sorted, 0.5), p99: at(sorted, 0.99), max: at(sorted, 1), loopP99: Math.round(loop.percentile(99) / 1e6), loopMax: Math.round(loop.max / 1e6) };
    if (started || finished) process.stderr.write(`[storm-trace] ${JSON.stringify(line)}\n`);
    started = finished = refused = 0;
    durations = [];
    loop.reset();
  }, 1000).unref();
}
