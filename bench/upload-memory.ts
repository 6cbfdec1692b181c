/**
 * The upload memory step (issue 14, item 6: "a 25 MiB upload keeps the server's RSS growth under
 * 10 MiB"): for each attachment store, a production server of its own (embedded PostgreSQL under
 * .data/bench-memory-<pid>; for S3 an s3rver in this process), warmed by a 64 KiB upload; then, for
 * each of ROUNDS uploads of 25 MiB, its peak RSS is reset (`/proc/<pid>/clear_refs`) and read again
 * (VmHWM) once the upload is answered. Prints the growth of each round and exits 1 when any is
 * 10 MiB or more. `npm run bench:upload-memory [-- --rounds 3]`. Needs Linux (/proc) and a built app.
 */
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../db/embedded";
import { multipart } from "../tests/support/files";
import { startTestS3 } from "../tests/support/s3";
import { startServerProcess, type ServerProcess } from "../tests/support/server-process";

const MiB = 1024 * 1024;
/** Item 6's bound on one upload's RSS growth, in bytes. */
export const UPLOAD_RSS_LIMIT = 10 * MiB;

/** VmHWM of `pid` in bytes: its peak resident set since the last reset. */
const peak = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

/** Registers and signs in one account on `server`; answers its Cookie header. */
async function signedIn(server: ServerProcess): Promise<string> {
  const username = `mem_${Date.now()}`;
  const password = "correct horse battery";
  const made = await fetch(`${server.url}/api/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, email: `${username}@example.test`, password, displayName: "Memory" }) });
  if (made.status !== 201) throw new Error(`registration failed: ${made.status}`);
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const first = csrf.headers.getSetCookie().map((l) => l.split(";")[0]);
  const res = await fetch(`${server.url}/api/auth/callback/credentials`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", cookie: first.join("; ") }, body: new URLSearchParams({ login: username, password, csrfToken, json: "true" }).toString() });
  return [...first, ...res.headers.getSetCookie().map((l) => l.split(";")[0])].join("; ");
}

/**
 * The peak RSS growth, in bytes, of each of `rounds` 25 MiB uploads to a production server of its
 * own with attachments stored in `kind`, after one 64 KiB upload; on the database at `databaseUrl`,
 * or without one on an embedded PostgreSQL of its own (the bench).
 */
export async function measureUploadGrowth(kind: "postgres" | "s3", rounds: number, databaseUrl?: string): Promise<number[]> {
  const s3 = kind === "s3" ? await startTestS3() : undefined;
  const dataDir = path.resolve(__dirname, "../.data", `bench-memory-${kind}-${process.pid}`);
  const server = await startServerProcess(await freePort(), { DATABASE_URL: databaseUrl, PARLEY_DATA_DIR: dataDir, RATE_LIMITS: "off", ...s3?.env }, 180_000);
  try {
    const cookie = await signedIn(server);
    const upload = async (data: Buffer) => {
      const { body, contentType } = multipart([{ field: "file", filename: "data.bin", data }]);
      const res = await fetch(`${server.url}/api/attachments`, { method: "POST", headers: { cookie, "content-type": contentType }, body: new Uint8Array(body) });
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    };
    await upload(Buffer.alloc(64 * 1024, 1)); // loads the code on the path (route, file-type, the AWS SDK)
    const big = Buffer.alloc(25 * MiB, 2);
    const pid = server.proc.pid!;
    const growth: number[] = [];
    for (let i = 0; i < rounds; i++) {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
      const before = peak(pid);
      await upload(big);
      growth.push(peak(pid) - before);
    }
    return growth;
  } finally {
    await server.stop();
    await s3?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 3;
  let over = false;
  for (const kind of ["postgres", "s3"] as const) {
    const growth = await measureUploadGrowth(kind, rounds);
    over ||= growth.some((g) => g >= UPLOAD_RSS_LIMIT);
    console.log(`[upload-memory] ${kind}: peak RSS growth per 25 MiB upload: ${growth.map((g) => `${(g / MiB).toFixed(1)} MiB`).join(", ")}`);
  }
  process.exit(over ? 1 : 0);
}

// run, not imported (tests/integration/upload-memory.test.ts imports it)
if (/bench[\\/]upload-memory\.ts$/.test(process.argv[1] ?? "")) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
