/** The periodic removal of uploads nobody sent (./remove.ts `sweepUnclaimed`), one timer per node. */
import "server-only";
import { log, outageLog } from "../platform/log";
import { sweepUnclaimed } from "./remove";

/** How often a node sweeps, in ms: an hour, so an unsent upload lives between 24 and 25 hours. */
export const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Sweeps now and every SWEEP_EVERY_MS until the returned stop is called (the timer never keeps the process alive). */
export function startAttachmentSweeper(): () => void {
  const outage = outageLog("attachments", "sweeping unsent uploads");
  const sweep = () =>
    sweepUnclaimed().then(
      (n) => {
        outage.worked();
        if (n > 0) log.info("attachments", `removed ${n} unsent upload(s)`);
      },
      (err: unknown) => outage.failed(err),
    );
  void sweep();
  const timer = setInterval(sweep, SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
