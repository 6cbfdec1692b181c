import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const holder = globalThis as unknown as { __parleyTestEnv?: ChildProcess };

/** Starts tests/support/test-env.ts once for every server-backed project and shares its URLs via env. */
export default async function globalSetup(): Promise<void> {
  if (holder.__parleyTestEnv) return;
  const root = path.resolve(__dirname, "../..");
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/test-env.ts"], {
    cwd: root,
    env: process.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  holder.__parleyTestEnv = child;
  const env = await new Promise<{ url: string; databaseUrl: string; serverPid: number }>((resolve, reject) => {
    let buffer = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith("PARLEY_TEST_ENV ")) resolve(JSON.parse(line.slice("PARLEY_TEST_ENV ".length)));
        else process.stdout.write(`${line}\n`);
      }
    });
    child.once("exit", (code) => reject(new Error(`test environment exited with ${code} before it was ready`)));
  });
  process.env.PARLEY_TEST_URL = env.url;
  process.env.PARLEY_TEST_DATABASE_URL = env.databaseUrl;
  // for tests that watch the server process itself (open descriptors in /proc/<pid>/fd)
  process.env.PARLEY_TEST_SERVER_PID = String(env.serverPid);
}
