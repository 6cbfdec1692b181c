/**
 * SQL injection: sqlmap (Debian package `sqlmap`) attacks every input of the JSON API and of sign-in,
 * signed in where the route needs it, and must find nothing. A deliberately injectable endpoint is
 * attacked first with the same settings, so a sqlmap that cannot find anything fails the test too.
 *
 * The server under attack is a production node of its own on the test database with RATE_LIMITS=off
 * (sqlmap sends thousands of requests; the limits have their own tests). SQLMAP_LEVEL / SQLMAP_RISK
 * (default 2 / 2) deepen the run; every command is printed so it can be repeated by hand.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { freePort } from "@/db/embedded";
import { closeTestSql, testSql } from "../support/api";
import { json, userOn, type Node, type NodeUser } from "../support/nodes";
import { startServerProcess } from "../support/server-process";

jest.setTimeout(20 * 60_000);

const root = path.resolve(__dirname, "../..");
const outDir = path.join(root, ".data", `sqlmap-${process.pid}`);
const level = process.env.SQLMAP_LEVEL ?? "2";
const risk = process.env.SQLMAP_RISK ?? "2";

interface Target {
  name: string;
  /** sqlmap arguments naming the request; `*` marks an injection point in a URL path */
  args: string[];
}

interface Finding {
  injectable: boolean;
  /** sqlmap tested at least one parameter and concluded */
  concluded: boolean;
  serverErrors: boolean;
  output: string;
}

/** Longest one target may take; a sqlmap that runs longer is stopped and the test fails. */
const TARGET_TIMEOUT_MS = 8 * 60_000;
let runs = 0;

function sqlmap(args: string[]): Promise<Finding> {
  // one output folder per run: sqlmaps attacking one host at once would share (and delete) one session file
  const all = ["--batch", "--flush-session", "--disable-coloring", "--threads=4", `--level=${level}`, `--risk=${risk}`, `--output-dir=${path.join(outDir, `run-${++runs}`)}`, ...args];
  console.log(`sqlmap ${all.map((a) => (/[\s"'{}&?*;|]/.test(a) ? `'${a}'` : a)).join(" ")}`);
  return new Promise((resolve, reject) => {
    const proc = spawn("sqlmap", all, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOME: outDir } });
    let output = "";
    proc.stdout.on("data", (c) => (output += c));
    proc.stderr.on("data", (c) => (output += c));
    proc.on("error", reject);
    const timer = setTimeout(() => proc.kill("SIGKILL"), TARGET_TIMEOUT_MS);
    proc.on("close", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") return reject(new Error(`sqlmap took over ${TARGET_TIMEOUT_MS / 60_000} min on ${args.join(" ")}:\n${output.slice(-3000)}`));
      resolve({
        injectable: /identified the following injection point|is vulnerable/.test(output),
        concluded: /do not appear to be injectable|identified the following injection point/.test(output),
        serverErrors: /500 \(Internal Server Error\)/.test(output),
        output,
      });
    });
  });
}

const jsonBody = (method: string, body: unknown) => ["--method", method, "--data", JSON.stringify(body), "--headers", "Content-Type: application/json"];

let node: Node;
let vulnerable: Server;

beforeAll(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  node = await startServerProcess(await freePort(), {
    DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL,
    PARLEY_DATA_DIR: path.join(outDir, "data"),
    RATE_LIMITS: "off",
  });
});

afterAll(async () => {
  await node?.stop();
  await new Promise((r) => (vulnerable ? vulnerable.close(r) : r(undefined)));
  fs.rmSync(outDir, { recursive: true, force: true });
  await closeTestSql();
});

it("finds the injection in a deliberately injectable endpoint (the harness can see one)", async () => {
  vulnerable = createServer(async (req, res) => {
    const name = new URL(req.url ?? "/", "http://x").searchParams.get("name") ?? "";
    try {
      const rows = await testSql().unsafe(`select username from users where username = '${name}'`);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rows));
    } catch {
      res.writeHead(500).end("{}");
    }
  });
  await new Promise<void>((r) => vulnerable.listen(0, "127.0.0.1", r));
  const { port } = vulnerable.address() as AddressInfo;
  const found = await sqlmap(["-u", `http://127.0.0.1:${port}/?name=nobody`]);
  expect(found.injectable).toBe(true);
});

describe("the JSON API", () => {
  let ada: NodeUser;
  let bob: NodeUser;
  let cy: NodeUser;
  let spare: NodeUser;
  let groupId: string;
  let cursor: string;
  let csrf: { cookie: string; token: string };
  const targets: Array<() => Target> = [];
  const target = (name: string, args: () => string[]) => targets.push(() => ({ name, args: args() }));

  beforeAll(async () => {
    [ada, bob, cy, spare] = await Promise.all(["ada", "bob", "cy", "spare"].map((n) => userOn(node, `sqlmap_${n}`)));
    const group = await json(node, "/api/conversations", { method: "POST", cookie: ada.cookie, body: { kind: "group", title: "Probed", memberIds: [bob.id, cy.id] } });
    groupId = (await group.json()).conversation.id;
    await json(node, `/api/conversations/${groupId}/messages`, { method: "POST", cookie: ada.cookie, body: { clientId: randomUUID(), body: "first" } });
    cursor = (await (await json(node, "/api/users?q=sqlmap&limit=1", { cookie: ada.cookie })).json()).nextCursor;
    // sign-in checks next-auth's CSRF token (cookie and field) before it looks at the credentials
    const csrfRes = await fetch(`${node.url}/api/auth/csrf`);
    csrf = { token: (await csrfRes.json()).csrfToken, cookie: csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
  });

  const url = (pathname: string) => `${node.url}${pathname}`;
  const as = (user: NodeUser) => ["--cookie", user.cookie];

  target("directory search", () => ["-u", url(`/api/users?q=sqlmap&limit=5&cursor=${encodeURIComponent(cursor)}`), ...as(ada)]);
  target("profile by username", () => ["-u", url(`/api/users/${bob.username}*`), ...as(ada)]);
  target("registration", () => ["-u", url("/api/users"), ...jsonBody("POST", { username: "probe_user", email: "probe@example.test", password: "a long enough password", displayName: "Probe" })]);
  target("sign-in", () => ["-u", url("/api/auth/callback/credentials"), "--data", `login=${ada.username}&password=wrong+password&json=true&csrfToken=${csrf.token}`, "--cookie", csrf.cookie, "-p", "login,password", "--ignore-code=401"]);
  target("own profile update", () => ["-u", url("/api/me"), ...jsonBody("PATCH", { displayName: "Ada", bio: "about me" }), ...as(ada)]);
  target("password change", () => ["-u", url("/api/me/password"), ...jsonBody("POST", { currentPassword: "not the password", newPassword: "another long password" }), ...as(spare)]);
  target("account deletion", () => ["-u", url("/api/me"), ...jsonBody("DELETE", { password: "not the password" }), ...as(spare)]);
  target("start a direct conversation", () => ["-u", url("/api/conversations"), ...jsonBody("POST", { kind: "direct", userId: bob.id }), ...as(ada)]);
  target("create a group", () => ["-u", url("/api/conversations"), ...jsonBody("POST", { kind: "group", title: "Probe", memberIds: [bob.id] }), ...as(ada)]);
  target("one conversation", () => ["-u", url(`/api/conversations/${groupId}*`), ...as(bob)]);
  target("rename a group", () => ["-u", url(`/api/conversations/${groupId}`), ...jsonBody("PATCH", { title: "Renamed" }), ...as(ada)]);
  target("add members", () => ["-u", url(`/api/conversations/${groupId}/members`), ...jsonBody("POST", { userIds: [spare.id] }), ...as(ada)]);
  target("remove a member", () => ["-u", url(`/api/conversations/${groupId}/members/${cy.id}*`), "--method", "DELETE", ...as(bob)]);
  target("history", () => ["-u", url(`/api/conversations/${groupId}/messages?before=100&limit=20`), ...as(bob)]);
  target("send", () => ["-u", url(`/api/conversations/${groupId}/messages`), ...jsonBody("POST", { clientId: randomUUID(), body: "probe" }), ...as(bob)]);

  it("finds no injectable parameter and no server error in any of them", async () => {
    const queue = targets.map((t) => t());
    const results: Array<{ name: string; finding: Finding }> = [];
    // a few sqlmaps at once: each spends most of its time waiting on the server
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let t = queue.shift(); t; t = queue.shift()) results.push({ name: t.name, finding: await sqlmap(t.args) });
      }),
    );
    const summary = results.map(({ name, finding }) => ({ name, injectable: finding.injectable, concluded: finding.concluded, serverErrors: finding.serverErrors }));
    const expected = results.map(({ name }) => ({ name, injectable: false, concluded: true, serverErrors: false }));
    if (JSON.stringify(summary) !== JSON.stringify(expected)) {
      for (const { name, finding } of results) console.log(`--- ${name}\n${finding.output.slice(-3000)}`);
    }
    expect(summary).toEqual(expected);
    // the refusals left the data as it was: nobody lost their membership or their account
    const members = await testSql()`select user_id from members where conversation_id = ${groupId}`;
    expect(members.map((m) => m.user_id)).toEqual(expect.arrayContaining([ada.id, bob.id]));
    expect((await testSql()`select count(*)::int as n from users where id = ${spare.id}`)[0].n).toBe(1);
  });
});
