/**
 * The live-session read every request and socket handshake makes (lib/sessions/store.ts), written
 * out in SQL for speed: it gives the very session and user Drizzle reads from the same rows, and
 * nothing for a revoked, expired or unknown session.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { getDb, getSql } from "@/db";
import { sessions, users } from "@/db/schema";
import { getLiveSession, revokeSession } from "@/lib/sessions/store";
import { newPerson, newSession } from "../support/domain";

test("a live session comes with its session and user exactly as Drizzle reads them", async () => {
  const person = await newPerson("live");
  await getSql()`update users set avatar = 'avatar-1', bio = 'Bio', credential_version = 3 where id = ${person.id}`;
  const created = await newSession(person);
  const live = await getLiveSession(created.id);
  const [session] = await getDb().select().from(sessions).where(eq(sessions.id, created.id));
  const [user] = await getDb().select().from(users).where(eq(users.id, person.id));
  expect(live).toEqual({ session, user });
  expect(live!.session.expiresAt).toBeInstanceOf(Date);
  expect(live!.user.createdAt).toBeInstanceOf(Date);
});

test("a revoked, expired or unknown session is not live", async () => {
  const person = await newPerson("live");
  const [revoked, expired] = [await newSession(person), await newSession(person)];
  await revokeSession(revoked.id);
  await getSql()`update sessions set expires_at = now() - interval '1 second' where id = ${expired.id}`;
  expect(await getLiveSession(revoked.id)).toBeNull();
  expect(await getLiveSession(expired.id)).toBeNull();
  expect(await getLiveSession(randomUUID())).toBeNull();
  expect(await getLiveSession("not-a-uuid")).toBeNull();
});
