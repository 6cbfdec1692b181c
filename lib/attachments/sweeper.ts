/** The periodic removal of uploads nobody sent (./remove.ts `sweepUnclaimed`), one timer per node. */
import "server-only";
import { log } from "../platform/log";
import { startPeriodic } from "../platform/periodic";
import { sweepUnclaimed } from "./remove";

/** How often a node sweeps, in ms: an hour, so an unsent upload lives between 24 and 25 hours. */
export const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Sweeps now and every SWEEP_EVERY_MS until the returned stop is called (the timer never keeps the process alive). */
export function startAttachmentSweeper(): () => void {
  return startPeriodic("attachments", "sweeping unsent uploads", SWEEP_EVERY_MS, async () => {
    const n = await sweepUnclaimed();
    if (n > 0) log.info("attachments", `removed ${n} unsent upload(s)`);
  });
}
