/** Parley's production server as a child process, for tests that start, kill and restart servers. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** what the server has printed so far (stdout and stderr, the last 256 KiB) */
  output(): string;
  /** sends `signal` (SIGTERM by default) and resolves with the exit code; at once if already gone */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `server.ts` in production mode on 127.0.0.1:`port` with `env` on top of this process's
 * environment (give `DATABASE_URL: undefined` for the embedded database) and waits until healthy.
 * `where` runs another script (e.g. `scripts/start.ts`, `npm start`) in another copy of the project.
 */
export async function startServerProcess(
  port: number,
  env: Record<string, string | undefined>,
  timeoutMs = 90_000,
  where: { cwd?: string; script?: string } = {},
): Promise<ServerProcess> {
  // one process unless a test asks for workers: WEB_CONCURRENCY's default depends on the machine's cores
  const merged: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: "127.0.0.1", WEB_CONCURRENCY: "1", ...env, NODE_ENV: "production" };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const proc = spawn(process.execPath, ["--import", "tsx", where.script ?? "server.ts"], { cwd: where.cwd ?? root, env: merged as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let printed = "";
  const keep = (chunk: Buffer) => (printed = (printed + chunk.toString()).slice(-256 * 1024));
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    proc,
    output: () => printed,
    stop(signal = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
      const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
      proc.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode} before it was healthy:\n${printed}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return server;
    } catch {
      /* still starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await server.stop("SIGKILL");
  throw new Error(`server did not become healthy within ${timeoutMs} ms`);
}
