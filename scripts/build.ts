/**
 * Builds for production only when the build is missing or stale: the hash of every input of the
 * build (sources, styles, config, lockfile) is kept next to it in .next/.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const INPUT_DIRS = ["app", "components", "lib", "db", "public"];
const INPUT_FILES = ["next.config.mjs", "proxy.ts", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "server.ts"];
const STAMP = path.join(".next", "parley-build-hash");

function walk(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
}

export function buildInputsHash(root = process.cwd()): string {
  const files: string[] = [];
  for (const d of INPUT_DIRS) walk(path.join(root, d), files);
  for (const f of INPUT_FILES) if (fs.existsSync(path.join(root, f))) files.push(path.join(root, f));
  const hash = createHash("sha256");
  for (const f of files.sort()) {
    hash.update(path.relative(root, f));
    hash.update(fs.readFileSync(f));
  }
  return hash.digest("hex");
}

export function ensureBuild(root = process.cwd()): void {
  const hash = buildInputsHash(root);
  const stamp = path.join(root, STAMP);
  const fresh = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash;
  if (fresh) return;
  console.log("[parley] building for production (the build is missing or stale)…");
  const result = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  fs.writeFileSync(stamp, hash);
}

if (require.main === module) ensureBuild();
