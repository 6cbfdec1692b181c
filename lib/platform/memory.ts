/**
 * Prompt collection of the short-lived buffers a streamed body leaves behind (issue 14, item 6: a
 * 25 MiB upload keeps the server's RSS growth under 10 MiB; docs/attachments.md).
 *
 * V8 collects when its own heap fills. An upload allocates almost nothing there, but about three
 * times its size in buffers outside it: Node's HTTP parser copies every body chunk into a new
 * Buffer, Next's request adapter copies it again (`new Uint8Array(chunk)`), and the store copies
 * it into its messages (postgres.js's COPY data, an S3 part). Each is garbage a moment
 * later, yet stays allocated until the next collection, which the upload itself does not bring on:
 * the first 25 MiB upload after a start grew RSS by 23 MiB. A young-generation collection (a
 * scavenge: it walks only what is alive in the young generation, about a millisecond) every
 * COLLECT_EVERY_BYTES of such buffers frees them as they go: 2.6 MiB for that first upload.
 *
 * The collector is reached as jest-leak-detector does: `--expose-gc` set at run time, and `gc`
 * taken from a new context, so no global changes. Where that fails, nothing is collected early.
 */
import "server-only";
import v8 from "node:v8";
import vm from "node:vm";

/** How many bytes of streamed buffers (all streams of the process together) between two scavenges. */
export const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;

let scavenge: (() => void) | null | undefined;
let passed = 0;

/** V8's young-generation collection, or null where it cannot be reached. */
function scavenger(): (() => void) | null {
  if (scavenge === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as (options: { type: "minor" | "major" }) => void;
      scavenge = () => gc({ type: "minor" });
    } catch {
      scavenge = null;
    }
  }
  return scavenge;
}

/**
 * Counts `bytes` of a streamed body as passed on (the chunk is garbage once its reader is done with
 * it); every COLLECT_EVERY_BYTES, counted over every stream of the process, runs a scavenge. Called
 * by the attachment stores' metering (lib/attachments/store-contract.ts `metered`).
 */
export function passedOn(bytes: number): void {
  passed += bytes;
  if (passed < COLLECT_EVERY_BYTES) return;
  passed = 0;
  scavenger()?.();
}
