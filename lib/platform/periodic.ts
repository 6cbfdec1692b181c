/** Background jobs a node runs on a timer (the search indexer, the attachment reaper and sweeper). */
import "server-only";
import { outageLog } from "./log";

/**
 * Runs `job` now and every `everyMs` until the returned stop is called. A run still going when the
 * next is due is not doubled (that tick is skipped); failures are logged once per outage as `what`
 * under `tag` (outageLog), and the job is simply tried again at the next tick. The timer never keeps
 * the process alive.
 */
export function startPeriodic(tag: string, what: string, everyMs: number, job: () => Promise<void>): () => void {
  let running = false;
  let stopped = false;
  const outage = outageLog(tag, what);
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await job();
      outage.worked();
    } catch (err) {
      outage.failed(err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  void tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
