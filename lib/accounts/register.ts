/** Registration: a new account. */
import "server-only";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";
import { AppError } from "../platform/errors";
import { consume } from "../platform/rate-limit";
import { hashPassword } from "./passwords";
import type { RegisterInput } from "./schemas";

const UNIQUE_FIELDS: Record<string, { field: string; message: string }> = {
  users_username_unique: { field: "username", message: "That username is taken" },
  users_email_unique: { field: "email", message: "An account with that email already exists" },
};

/**
 * Creates an account from validated input. Throws `rate_limited` past LIMITS.register (counted per
 * client address, the same for the API and the form), `conflict` with the taken field (username or
 * email) when another account has it.
 */
export async function registerUser({ input, address }: { input: RegisterInput; address: string }): Promise<User> {
  await consume("register", address);
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
