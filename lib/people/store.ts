/** Users rows. */
import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";

/** The users row of `id`, or null when there is none (never registered, or deleted). */
export async function getUserById(id: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}
