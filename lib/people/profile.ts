/** One's own profile: display name, bio, avatar. */
import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users, type User } from "@/db/schema";
import { toPublicUser, type PublicUser } from "./types";
import { AppError } from "../platform/errors";
import { limited } from "../platform/rate-limit";
import { publish } from "../platform/events";
import "./events";
import type { ProfileUpdate } from "./schemas";

/**
 * Changes the caller's display name, bio or avatar. When one of them really changed, everyone who
 * shares a conversation with the caller (and the caller's other tabs) gets `user:updated`.
 * Throws `rate_limited` past LIMITS.profile, `unauthorized` when the account was deleted meanwhile.
 */
export async function updateProfile({ userId, changes }: { userId: string; changes: ProfileUpdate }): Promise<User> {
  return limited("profile", userId, async () => {
    const { before, user } = await getDb().transaction(async (tx) => {
      const [before] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
      // the account was deleted after this request's session was checked: signed out, as the session is gone
      if (!before) throw new AppError("unauthorized", "This account was deleted");
      const [user] = await tx
        .update(users)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(users.id, userId))
        .returning();
      return { before, user };
    });
    const shown = (u: User) => [u.displayName, u.bio, u.avatar].join("\u0000");
    if (shown(before) !== shown(user)) await publish({ type: "user.updated", user: toPublicUser(user) });
    return user;
  });
}

