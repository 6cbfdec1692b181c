/** Credentials: which account a sign-in names, and whether its password matches. */
import "server-only";
import { eq, or } from "drizzle-orm";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";
import { verifyPassword } from "./passwords";

/** The account a sign-in names: username or email, any letter case (both are stored lowercase). */
function byLogin(login: string) {
  const normalized = login.trim().toLowerCase();
  return or(eq(users.username, normalized), eq(users.email, normalized));
}

/**
 * The user whose username or email is `login` (any case) and whose password matches, else null.
 * The hash and `credentialVersion` come from one read, so a session created with that version
 * (createSession) is tied to exactly the hash verified here. An unknown login is verified against a
 * dummy hash, so it takes as long as a wrong password (OWASP Authentication: no account enumeration).
 */
export async function verifyCredentials({ login, password }: { login: string; password: string }): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(byLogin(login)).limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  return ok ? user : null;
}

/** The id of the account a sign-in names (username or email, any case), or null when none does. */
export async function findAccountIdByLogin(login: string): Promise<string | null> {
  const [row] = await getDb().select({ id: users.id }).from(users).where(byLogin(login)).limit(1);
  return row?.id ?? null;
}
