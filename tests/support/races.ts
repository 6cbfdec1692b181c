/** Helpers for race tests over HTTP: signed-in users without sockets, group state read from the database. */
import { createAccount, request, signIn, testSql, type TestAccount } from "./api";

export interface HttpUser extends TestAccount {
  cookie: string;
}

/** A fresh account, signed in. */
export async function httpUser(): Promise<HttpUser> {
  const acct = await createAccount();
  return { ...acct, cookie: await signIn(acct.username, acct.password) };
}

/** `n` fresh signed-in accounts (a few at a time: each costs two argon2 hashes). */
export function httpUsers(n: number): Promise<HttpUser[]> {
  return inParallel(n, 4, httpUser);
}

/** A status and the parsed body (null when there is none), so a failure can show what the server said. */
export interface Answer {
  status: number;
  body: unknown;
}

export async function call(path: string, init: Parameters<typeof request>[1]): Promise<Answer> {
  const res = await request(path, init);
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates a group over HTTP and returns its id (throws unless 201). */
export async function newGroup(owner: HttpUser, title: string, others: { id: string }[]): Promise<string> {
  const a = await call("/api/conversations", { method: "POST", cookie: owner.cookie, json: { kind: "group", title, memberIds: others.map((o) => o.id) } });
  if (a.status !== 201) throw new Error(`group creation failed: ${a.status} ${JSON.stringify(a.body)}`);
  return (a.body as { conversation: { id: string } }).conversation.id;
}

export function leave(user: HttpUser, conversationId: string, targetId = user.id): Promise<Answer> {
  return call(`/api/conversations/${conversationId}/members/${targetId}`, { method: "DELETE", cookie: user.cookie });
}

export function addToGroup(user: HttpUser, conversationId: string, userIds: string[]): Promise<Answer> {
  return call(`/api/conversations/${conversationId}/members`, { method: "POST", cookie: user.cookie, json: { userIds } });
}

export function rename(user: HttpUser, conversationId: string, title: string): Promise<Answer> {
  return call(`/api/conversations/${conversationId}`, { method: "PATCH", cookie: user.cookie, json: { title } });
}

export function deleteAccount(user: HttpUser): Promise<Answer> {
  return call("/api/me", { method: "DELETE", cookie: user.cookie, json: { password: user.password } });
}

/** The members of a conversation as stored, ordered by user id. */
export async function membersOf(conversationId: string): Promise<{ userId: string; role: string }[]> {
  const rows = await testSql()`select user_id, role from members where conversation_id = ${conversationId} order by user_id`;
  return rows.map((r) => ({ userId: r.user_id as string, role: r.role as string }));
}

/** Whether the conversation row still exists. */
export async function conversationExists(conversationId: string): Promise<boolean> {
  const [row] = await testSql()`select 1 from conversations where id = ${conversationId}`;
  return Boolean(row);
}

/**
 * Times account deletions (smoothed, ms) so that other requests can be aimed at the deletion's
 * transaction, which runs at the end of the request, after the password check (argon2): how long
 * that takes depends on how busy the machine is, so a fixed delay would miss it.
 */
export class DeletionClock {
  private estimate = 80;

  async delete(user: HttpUser): Promise<Answer> {
    const start = performance.now();
    const answer = await deleteAccount(user);
    this.estimate = 0.7 * this.estimate + 0.3 * (performance.now() - start);
    return answer;
  }

  /** `fraction` of a deletion's expected duration, in whole ms. */
  at(fraction: number): number {
    return Math.round(this.estimate * fraction);
  }
}

/** The `k`th of `n` points spread over [from, to], shifted a little each round so rounds probe different moments. */
export function spread(round: number, k: number, n: number, from = 0.35, to = 1.05): number {
  const step = (to - from) / n;
  return from + step * (k + ((round * 0.37) % 1));
}

/** `fn(0)`…`fn(n - 1)`, `width` at a time; the results in order. For setting up many rounds quickly. */
export async function inParallel<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}
