/**
 * Issue 14, item 6: a 25 MiB upload keeps the server's RSS growth under 10 MiB, with either store,
 * the first upload after a start included. A production server of its own per store (for S3 an
 * s3rver of this test's), its peak RSS (VmHWM) reset before each upload (bench/upload-memory.ts,
 * which `npm run bench:upload-memory` runs with more rounds). Before the stores wrote from one
 * reused part buffer and lib/platform/memory.ts collected as bytes passed, the first upload grew
 * RSS by 23 MiB (PostgreSQL) and 28 MiB (S3), and later ones up to 80 MiB (PostgreSQL parameters
 * sent as hex text).
 */
import { measureUploadGrowth, UPLOAD_RSS_LIMIT } from "../../bench/upload-memory";

const MiB = 1024 * 1024;

describe.each(["postgres", "s3"] as const)("a 25 MiB upload stored in %s", (kind) => {
  it("grows the server's RSS by less than 10 MiB, the first after a start and the next ones", async () => {
    const growth = await measureUploadGrowth(kind, 3, process.env.PARLEY_TEST_DATABASE_URL);
    expect(growth).toHaveLength(3);
    const over = growth.map((g) => `${(g / MiB).toFixed(1)} MiB`).filter((_, i) => growth[i] >= UPLOAD_RSS_LIMIT);
    expect(over).toEqual([]);
  }, 240_000);
});
