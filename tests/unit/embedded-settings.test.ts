/**
 * db/embedded.ts memorySettings: the embedded database's shared_buffers is a quarter of the machine's
 * memory within 128 MB–1 GB (PostgreSQL's manual: "a reasonable starting value for shared_buffers is 25%
 * of the memory in your system"), effective_cache_size half of it; and a started database really runs
 * with them, unless its caller's settings say otherwise.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { memorySettings } from "@/db/embedded";

const GB = 2 ** 30;

test("a quarter of the memory for shared_buffers, within 128 MB and 1 GB; half for effective_cache_size", () => {
  expect(memorySettings(2 * GB)).toEqual({ shared_buffers: "512MB", effective_cache_size: "1024MB" });
  expect(memorySettings(24 * GB)).toEqual({ shared_buffers: "1024MB", effective_cache_size: "12288MB" });
  expect(memorySettings(256 * 2 ** 20)).toEqual({ shared_buffers: "128MB", effective_cache_size: "128MB" });
  expect(memorySettings(3 * GB + 123)).toEqual({ shared_buffers: "768MB", effective_cache_size: "1536MB" });
});

test("the embedded database runs with them, and a caller's setting wins", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-embedded-settings-"));
  try {
    const run = spawnSync(process.execPath, ["--import", "tsx", path.resolve(__dirname, "../support/embedded-settings-probe.ts"), path.join(dir, "postgres")], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const seen = JSON.parse(run.stdout.trim().split("\n").pop()!) as { sharedBytes: number; cache: string; asked: ReturnType<typeof memorySettings> };
    expect(seen.sharedBytes).toBe(parseInt(seen.asked.shared_buffers, 10) * 2 ** 20);
    expect(seen.asked).toEqual(memorySettings());
    expect(seen.cache).toBe("300MB");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
