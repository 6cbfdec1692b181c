/**
 * The test environment as one process (run by tsx, outside Jest's module system): a fresh embedded
 * PostgreSQL (or DATABASE_URL when set), migrations, a fresh production build when needed, and the
 * production server on a free port. It prints one JSON line with the URLs and stops everything on
 * SIGTERM, the server first and the database last.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort, startEmbeddedDatabase } from "../../db/embedded";
import { removeEmbeddedData } from "../../db/embedded-root";
import { runMigrations } from "../../db/migrate";
import { ensureBuild } from "../../scripts/build";

const root = path.resolve(__dirname, "../..");
// One folder per run, so two test runs on one machine do not share a database.
const dataDir = path.join(root, ".data", `test-${process.pid}`);

async function waitForHealth(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the test server did not become healthy within ${ms} ms`);
}

async function main() {
  ensureBuild(root);
  let databaseUrl = process.env.DATABASE_URL;
  let stopDb = async () => {};
  if (!databaseUrl) {
    removeEmbeddedData(path.join(dataDir, "postgres"));
    const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, "postgres"), password: "parley-test", database: "parley_test" });
    databaseUrl = db.url;
    stopDb = db.stop;
  }
  await runMigrations(databaseUrl);

  const port = await freePort();
  const server = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    // one process, whatever the machine's cores (tests/realtime/workers.test.ts and zero-setup run workers)
    env: { ...process.env, WEB_CONCURRENCY: "1", NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: databaseUrl, PARLEY_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  let stopping = false;
  server.once("exit", (code) => {
    if (!stopping) {
      console.error(`[test-env] server exited unexpectedly (${code})`);
      void stopDb().then(() => process.exit(1));
    }
  });

  const stop = async () => {
    stopping = true;
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await stopDb();
    // as root in a folder user postgres cannot enter, the data is elsewhere (db/embedded-root.ts)
    removeEmbeddedData(path.join(dataDir, "postgres"));
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());

  await waitForHealth(url, 60_000);
  process.stdout.write(`PARLEY_TEST_ENV ${JSON.stringify({ url, databaseUrl, serverPid: server.pid })}\n`);
}

main().catch((err) => {
  console.error("[test-env] failed:", err);
  process.exit(1);
});
