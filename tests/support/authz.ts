/** Helpers for the authorisation matrix: the endpoint inventory, server-action calls, DB snapshots. */
import fs from "node:fs";
import path from "node:path";
import { baseUrl, requestFrom, testSql } from "./api";

/** A session cookie shaped like next-auth's (an encrypted JWT) that no secret of ours opens. */
export const FORGED_SESSION_COOKIE = "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.forged.forged.forged.forged";

const root = path.resolve(__dirname, "../..");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * Every route handler as "METHOD /api/path" (the folder path, brackets kept), read from the source:
 * `export const GET`, `export async function POST`, `export { GET, POST }`.
 */
export function routeInventory(): string[] {
  const found: string[] = [];
  for (const file of walk(path.join(root, "app/api")).filter((f) => path.basename(f) === "route.ts")) {
    const src = fs.readFileSync(file, "utf8");
    const route = "/" + path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).join("/");
    const names = new Set<string>();
    for (const m of src.matchAll(/export\s+(?:const|let|async\s+function|function)\s+([A-Z]+)\b/g)) names.add(m[1]);
    for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1].split(",")) names.add(n.trim().split(/\s+as\s+/).at(-1)!);
    for (const n of names) if (HTTP_METHODS.includes(n)) found.push(`${n} ${route}`);
  }
  return found.sort();
}

/**
 * The "METHOD /path" entries that a route answers with `otherMethods` (lib/http/route.ts): exported as
 * `other as METHOD`, they refuse every caller alike with 405.
 */
export function refusedMethodInventory(): string[] {
  const found: string[] = [];
  for (const file of walk(path.join(root, "app/api")).filter((f) => path.basename(f) === "route.ts")) {
    const src = fs.readFileSync(file, "utf8");
    if (!/otherMethods\(/.test(src)) continue;
    const route = "/" + path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).join("/");
    for (const m of src.matchAll(/\bother as ([A-Z]+)\b/g)) found.push(`${m[1]} ${route}`);
  }
  return found.sort();
}

/** Every page as its URL pattern ("/c/[id]"), route groups dropped. */
export function pageInventory(): string[] {
  return walk(path.join(root, "app"))
    .filter((f) => path.basename(f) === "page.tsx")
    .map((f) =>
      ("/" + path.relative(path.join(root, "app"), path.dirname(f)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join("/")).replace(/\/$/, "") || "/",
    )
    .sort();
}

export interface ServerAction {
  id: string;
  /** "app/(chat)/settings/actions.ts#updateProfile" */
  key: string;
}

/** The server actions of the production build the test server runs (ids change with every build). */
export function serverActions(): ServerAction[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, a]) => ({ id, key: `${a.filename}#${a.exportedName}` }));
}

export function serverActionId(key: string): string {
  const action = serverActions().find((a) => a.key === key);
  if (!action) throw new Error(`no server action ${key} in the build`);
  return action.id;
}

export interface ActionAnswer {
  status: number;
  /** the action's return value (the form state), when it returned one */
  result: Record<string, unknown> | undefined;
  text: string;
  headers: Headers;
}

/**
 * Calls a `(prevState, formData)` server action the way Next's client does: a POST to the page with
 * the `Next-Action` header and the arguments encoded as React encodes them (`0` is the argument list,
 * `$K1` the FormData whose fields are prefixed `_1_`).
 */
export async function callAction(page: string, key: string, fields: Record<string, string>, opts: { cookie?: string; from?: string; origin?: string } = {}): Promise<ActionAnswer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(`_1_${name}`, value);
  form.append("0", JSON.stringify([{}, "$K1"]));
  const encoded = new Request(baseUrl(), { method: "POST", body: form });
  const headers: Record<string, string> = {
    "content-type": encoded.headers.get("content-type")!,
    accept: "text/x-component",
    "next-action": serverActionId(key),
    origin: opts.origin ?? new URL(baseUrl()).origin,
  };
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await requestFrom(opts.from ?? "127.0.0.1", page, "POST", headers, await encoded.text());
  const text = await res.text();
  return { status: res.status, result: actionResult(text), text, headers: res.headers };
}

/** The action's return value from a flight response: row 0 is `{ a: "$@<row>" }`. */
function actionResult(text: string): Record<string, unknown> | undefined {
  const rows = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+):(\{.*)$/.exec(line);
    if (m) rows.set(m[1], m[2]);
  }
  const head = JSON.parse(rows.get("0") ?? "{}") as { a?: unknown };
  const ref = typeof head.a === "string" && head.a.startsWith("$@") ? head.a.slice(2) : undefined;
  return ref && rows.has(ref) ? (JSON.parse(rows.get(ref)!) as Record<string, unknown>) : undefined;
}

/**
 * Everything the database holds about these users and their conversations, in a stable order:
 * compared before and after a refused request to prove it changed nothing. (Sessions' last_seen_at
 * is left out: authenticating touches it.)
 */
export async function dbState(userIds: string[]) {
  const sql = testSql();
  const conversationIds = (
    await sql`select id from conversations where created_by in ${sql(userIds)}
      union select conversation_id from members where user_id in ${sql(userIds)}`
  ).map((r) => r.id as string);
  const convs = conversationIds.length ? conversationIds : ["00000000-0000-0000-0000-000000000000"];
  return {
    users: await sql`select id, username, email, display_name, bio, avatar, password_hash, updated_at from users where id in ${sql(userIds)} order by id`,
    sessions: await sql`select id, user_id, revoked_at, expires_at from sessions where user_id in ${sql(userIds)} order by id`,
    conversations: await sql`select id, kind, title, last_seq, created_by from conversations where id in ${sql(convs)} order by id`,
    members: await sql`select conversation_id, user_id, role, last_read_seq, notifications from members where conversation_id in ${sql(convs)} order by conversation_id, user_id`,
    messages: await sql`select id, conversation_id, seq, rev, sender_id, body, edited_at, deleted_at from messages
      where conversation_id in ${sql(convs)} or sender_id in ${sql(userIds)} order by id`,
    reactions: await sql`select r.message_id, r.user_id, r.emoji from reactions r join messages m on m.id = r.message_id
      where m.conversation_id in ${sql(convs)} or r.user_id in ${sql(userIds)} order by 1, 2, 3`,
    avatars: await sql`select user_id, sha256, updated_at from avatars where user_id in ${sql(userIds)} order by user_id`,
    attachments: await sql`select id, uploader_id, message_id, conversation_id, name, size, sha256 from attachments
      where uploader_id in ${sql(userIds)} or conversation_id in ${sql(convs)} order by id`,
  };
}

/** Fails when `text` carries any of `secrets` (titles, bodies, emails) or a password hash. */
export function expectNoLeak(text: string, secrets: string[]): void {
  for (const secret of [...secrets, "$argon2", "password_hash", "passwordHash"]) {
    if (text.includes(secret)) throw new Error(`the answer leaks ${JSON.stringify(secret)}: ${text.slice(0, 300)}`);
  }
}
