/**
 * `npm start` without DATABASE_URL: the server runs its own embedded PostgreSQL, survives a
 * leftover postgres from a SIGKILLed run, and stops the database on SIGTERM.
 */
import fs from "node:fs";
import path from "node:path";
import { freePort, isAlive } from "@/db/embedded";
import { io } from "socket.io-client";
import { sessionCookie, signInAt } from "../support/nodes";
import { startServerProcess } from "../support/server-process";

function connectSocket(url: string, cookie: string) {
  const socket = io(url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  return new Promise<typeof socket>((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

jest.setTimeout(120_000);

const root = path.resolve(__dirname, "../..");
const dataDir = path.join(root, ".data", `zero-setup-${process.pid}`);
const pidFile = path.join(dataDir, "postgres", "postmaster.pid");

const startParley = (port: number) => startServerProcess(port, { PARLEY_DATA_DIR: dataDir, DATABASE_URL: undefined });

afterAll(() => {
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    if (isAlive(pid)) process.kill(pid, "SIGQUIT");
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("starts on its own database, recovers from a killed run, and stops the database on SIGTERM", async () => {
  const port = await freePort();
  const first = await startParley(port);
  const reg = await fetch(`http://127.0.0.1:${port}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "zero_setup", email: "zero@example.test", password: "long enough", displayName: "Zero" }),
  });
  expect(reg.status).toBe(201);

  // SIGKILL leaves the embedded postgres running, holding the data directory
  const leftover = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  await first.stop("SIGKILL");
  expect(isAlive(leftover)).toBe(true);

  // the next start stops the leftover and comes up on the same data
  const second = await startParley(port);
  expect(isAlive(leftover)).toBe(false);
  const dup = await fetch(`http://127.0.0.1:${port}/api/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "zero_setup", email: "zero2@example.test", password: "long enough", displayName: "Zero" }),
  });
  expect(dup.status).toBe(409);

  const current = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  expect(await second.stop("SIGTERM")).toBe(0);
  expect(isAlive(current)).toBe(false);
  expect(fs.existsSync(pidFile)).toBe(false);
  // the secret and database password were generated once and kept owner-only
  expect(fs.statSync(path.join(dataDir, "secrets.json")).mode & 0o077).toBe(0);
});

it("starts the embedded database once for several workers, and stops it after them on SIGTERM", async () => {
  const port = await freePort();
  const server = await startServerProcess(port, { PARLEY_DATA_DIR: dataDir, DATABASE_URL: undefined, WEB_CONCURRENCY: "3" });
  expect(server.output()).toContain("(production, 3 workers)");
  expect(server.output().match(/embedded PostgreSQL started/g)).toHaveLength(1);
  const postmaster = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  // every worker serves on that one database: three sockets go to three workers (least-connection),
  // and each worker finds the session of the account the first test's server made
  const signedIn = await signInAt(server, "zero_setup", "long enough");
  expect(signedIn.status).toBe(200);
  const cookie = sessionCookie(signedIn);
  const sockets = await Promise.all([0, 1, 2].map(() => connectSocket(server.url, cookie)));
  sockets.forEach((s) => s.disconnect());
  expect(await server.stop("SIGTERM")).toBe(0);
  expect(isAlive(postmaster)).toBe(false);
  expect(fs.existsSync(pidFile)).toBe(false);
});
