/**
 * Helpers for domain tests (tests/domain): people and sessions made straight in the database, the
 * domain events published while a test runs, and the state of groups read back with SQL.
 */
import { randomBytes } from "node:crypto";
import { getSql } from "@/db";
import type { Session } from "@/db/schema";
import { hashPassword } from "@/lib/accounts/passwords";
import "@/lib/conversations/events";
import type { Role } from "@/lib/conversations/rules";
import { createConversation } from "@/lib/conversations/service";
import "@/lib/messages/events";
import "@/lib/people/events";
import { subscribe, type DomainEvent } from "@/lib/platform/events";
import "@/lib/sessions/events";
import { createSession } from "@/lib/sessions/store";

export const PASSWORD = "domain-test-password";
// argon2 once per test file, not once per person: every person shares this password
let passwordHash: Promise<string> | undefined;

export interface Person {
  id: string;
  username: string;
}

/**
 * A fresh account, inserted with SQL: no registration rate limit (registerUser counts per address)
 * and no hashing per person. Its password is {@link PASSWORD}.
 */
export async function newPerson(label = "p"): Promise<Person> {
  passwordHash ??= hashPassword(PASSWORD);
  const username = `${label}_${randomBytes(6).toString("hex")}`.slice(0, 32);
  const [row] = await getSql()`
    insert into users (username, email, display_name, password_hash)
    values (${username}, ${`${username}@example.test`}, ${username}, ${await passwordHash}) returning id`;
  return { id: row.id as string, username };
}

/** `n` fresh accounts. */
export function newPeople(n: number, label = "p"): Promise<Person[]> {
  return Promise.all(Array.from({ length: n }, () => newPerson(label)));
}

/** A live session of `person` (as a sign-in makes it). */
export async function newSession(person: Person): Promise<Session> {
  const [row] = await getSql()`select credential_version from users where id = ${person.id}`;
  const session = await createSession({ userId: person.id, userAgent: "jest", credentialVersion: row.credential_version });
  if (!session) throw new Error(`no session for ${person.username}`);
  return session;
}

export interface Recording {
  /** every event published since recording began, in publication order */
  readonly events: DomainEvent[];
  /** the recorded events of one type */
  of<K extends DomainEvent["type"]>(type: K): Extract<DomainEvent, { type: K }>[];
  /** forgets what was recorded so far (after a test's arrangement) */
  clear(): void;
  /** stops recording */
  stop(): void;
}

/** Records every domain event published from now on in this test file's process (lib/platform/events.ts). */
export function recordEvents(): Recording {
  const events: DomainEvent[] = [];
  const stop = subscribe((event) => void events.push(event));
  return {
    events,
    of: <K extends DomainEvent["type"]>(type: K) => events.filter((e) => e.type === type) as Extract<DomainEvent, { type: K }>[],
    clear: () => void events.splice(0),
    stop,
  };
}

/** The members of a conversation and their roles, read from the database (empty when it is gone). */
export async function rolesIn(conversationId: string): Promise<Record<string, Role>> {
  const rows = await getSql()`select user_id, role from members where conversation_id = ${conversationId}`;
  return Object.fromEntries(rows.map((r) => [r.user_id as string, r.role as Role]));
}

/**
 * Sets members' roles and, in the order given, how long they have been members (the order owner
 * succession goes by): `standing` from longest-standing to newest.
 */
export async function arrangeMembers(conversationId: string, standing: { id: string; role: Role }[]): Promise<void> {
  const sql = getSql();
  for (const [i, m] of standing.entries()) {
    await sql`
      update members set role = ${m.role}, joined_at = now() - make_interval(mins => ${standing.length - i})
      where conversation_id = ${conversationId} and user_id = ${m.id}`;
  }
}

/** Whether the conversation row still exists. */
export async function conversationExists(conversationId: string): Promise<boolean> {
  const [row] = await getSql()`select 1 from conversations where id = ${conversationId}`;
  return Boolean(row);
}

/** A group of `people` created by the first of them (its owner), titled `title`; returns its id. */
export async function groupOf(people: Person[], title = "Chat"): Promise<string> {
  const [owner, ...others] = people;
  const { conversation } = await createConversation({ userId: owner.id, input: { kind: "group", title, memberIds: others.map((o) => o.id) } });
  return conversation.id;
}
