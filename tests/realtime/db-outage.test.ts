/**
 * The database goes away while clients send: sends answer `unavailable` (clients keep them pending
 * and retry), /api/health says so, pages show a friendly error, and when the database is back
 * everything resumes without a restart, with nothing lost or doubled.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { io, type Socket } from "socket.io-client";
import { freePort, isAlive } from "@/db/embedded";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";
import { launchBrowser } from "../support/browser";
import { startServerProcess, type ServerProcess } from "../support/server-process";

jest.setTimeout(120_000);

const root = path.resolve(__dirname, "../..");
const dataDir = path.join(root, ".data", `outage-${process.pid}`);
const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
let server: ServerProcess | undefined;
let base = "";
const sockets: Socket[] = [];

const postmasterPid = () => Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
const until = async (cond: () => Promise<boolean> | boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
};

async function health(): Promise<number> {
  try {
    return (await fetch(`${base}/api/health`)).status;
  } catch {
    return 0;
  }
}

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server?.stop();
  // the postgres we restarted by hand is ours to stop
  if (fs.existsSync(pidFile) && isAlive(postmasterPid())) {
    const pid = postmasterPid();
    process.kill(pid, "SIGINT");
    await until(() => !isAlive(pid), 15_000).catch(() => process.kill(pid, "SIGKILL"));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it("answers unavailable during a database outage and resumes by itself afterwards", async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServerProcess(port, { PARLEY_DATA_DIR: dataDir, RATE_LIMITS: "off", DATABASE_URL: undefined });

  // two users and a direct conversation
  const accounts = [];
  for (const name of ["ada", "bob"]) {
    const username = `${name}_${randomUUID().slice(0, 6)}`;
    const { user } = await (await fetch(`${base}/api/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, email: `${username}@example.test`, password: "outage proof", displayName: name }) })).json();
    const csrfRes = await fetch(`${base}/api/auth/csrf`);
    const { csrfToken } = await csrfRes.json();
    const signed = await fetch(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
      body: new URLSearchParams({ login: username, password: "outage proof", csrfToken, json: "true" }),
    });
    accounts.push({ id: user.id as string, cookie: signed.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="))!.split(";")[0] });
  }
  const [ada, bob] = accounts;
  const dm = (await (await fetch(`${base}/api/conversations`, { method: "POST", headers: { "content-type": "application/json", cookie: ada.cookie }, body: JSON.stringify({ kind: "direct", userId: bob.id }) })).json()).conversation;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, { transports: ["websocket"], extraHeaders: { cookie: ada.cookie } });
  sockets.push(socket as Socket);
  await until(() => socket.connected, 10_000);
  const send = (clientId: string, body: string) => socket.timeout(15_000).emitWithAck("message:send", { conversationId: dm.id, clientId, body });
  expect(await send(randomUUID(), "before the outage")).toMatchObject({ ok: true });

  // take the database away (fast shutdown), remembering how to bring it back
  const pid = postmasterPid();
  const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  const gid = Number(/^Gid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]);
  process.kill(pid, "SIGINT");
  await until(() => !isAlive(pid), 15_000);

  const duringId = randomUUID();
  expect(await send(duringId, "during the outage")).toMatchObject({ ok: false, error: { code: "unavailable" } });
  expect(await health()).toBe(503);
  expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ ok: false, db: "down" });
  // a page, as a person sees it in Chromium: the friendly error, no stack trace
  const html = await (await fetch(`${base}/`, { headers: { cookie: ada.cookie } })).text();
  expect(html).not.toMatch(/ECONNREFUSED|at \w+ \(|node_modules/);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const [name, value] = ada.cookie.split("=");
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByText("Parley is having trouble right now").waitFor({ timeout: 15_000 });
    expect(await page.locator("body").innerText()).not.toMatch(/ECONNREFUSED|Error:|at \w+ \(/);
  } finally {
    await browser.close();
  }
  const api = await fetch(`${base}/api/conversations`, { headers: { cookie: ada.cookie } });
  expect(api.status).toBe(503);
  expect((await api.json()).error.code).toBe("unavailable");
  // a reconnecting crowd meanwhile: every handshake fails, and the log says so once, not per socket;
  // the search indexer (every 200 ms) likewise
  const refused = await Promise.all(
    Array.from({ length: 8 }, () => {
      const late = io(base, { transports: ["websocket"], extraHeaders: { cookie: ada.cookie }, reconnection: false, forceNew: true });
      sockets.push(late as Socket);
      return new Promise<string>((resolve) => late.once("connect_error", (err) => resolve(err.message)));
    }),
  );
  expect(new Set(refused)).toEqual(new Set(["unavailable"]));
  await new Promise((r) => setTimeout(r, 1000));
  const lines = server.output().split("\n");
  expect(lines.filter((l) => l.includes("authenticating sockets failed"))).toHaveLength(1);
  expect(lines.filter((l) => l.includes("indexing failed")).length).toBeLessThanOrEqual(1);

  // bring it back: the same server process resumes without a restart
  const log = fs.openSync(path.join(dataDir, "postgres-restarted.log"), "a");
  spawn(cmdline[0], cmdline.slice(1), { uid, gid, stdio: ["ignore", log, log], detached: true }).unref();
  await until(async () => (await health()) === 200, 60_000);
  // the client retries its pending send with the same clientId: stored once
  expect(await send(duringId, "during the outage")).toMatchObject({ ok: true });
  expect(await send(duringId, "during the outage")).toMatchObject({ ok: true });
  expect(await send(randomUUID(), "after the outage")).toMatchObject({ ok: true });

  const dbUrl = fs.readFileSync(path.join(dataDir, "secrets.json"), "utf8");
  const { dbPassword } = JSON.parse(dbUrl);
  const portArg = cmdline[cmdline.indexOf("-p") + 1];
  const sql = postgres(`postgres://postgres:${encodeURIComponent(dbPassword)}@127.0.0.1:${portArg}/parley`, { max: 1 });
  const rows = await sql`select body, seq::int from messages where conversation_id = ${dm.id} order by seq`;
  await sql.end();
  expect(rows).toEqual([
    { body: "before the outage", seq: 1 },
    { body: "during the outage", seq: 2 },
    { body: "after the outage", seq: 3 },
  ]);
});
