import { eq, or } from "drizzle-orm";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";
import { AppError } from "../platform/errors";
import { hashPassword, verifyPassword } from "./passwords";
import type { RegisterInput } from "./schemas";

const UNIQUE_FIELDS: Record<string, { field: string; message: string }> = {
  users_username_unique: { field: "username", message: "That username is taken" },
  users_email_unique: { field: "email", message: "An account with that email already exists" },
};

export async function registerUser(input: RegisterInput): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await getDb()
      .insert(users)
      .values({ username: input.username, email: input.email, displayName: input.displayName, passwordHash })
      .returning();
    return user;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; constraint_name?: string } }).cause ?? (err as { code?: string; constraint_name?: string });
    const taken = cause?.code === "23505" ? UNIQUE_FIELDS[cause.constraint_name ?? ""] : undefined;
    if (taken) throw new AppError("conflict", taken.message, { [taken.field]: taken.message });
    throw err;
  }
}

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
export async function verifyCredentials(login: string, password: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(byLogin(login)).limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  return ok ? user : null;
}

/** The id of the account a sign-in names (username or email, any case), or null when none does. */
export async function findAccountIdByLogin(login: string): Promise<string | null> {
  const [row] = await getDb().select({ id: users.id }).from(users).where(byLogin(login)).limit(1);
  return row?.id ?? null;
}

export async function getUserById(id: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}
