/** One's own profile: display name, bio, avatar. */
import "server-only";
import { eq } from "drizzle-orm";
import { drizzleTransaction, type DrizzleTx } from "@/db/transaction";
import { avatars, users, type User } from "@/db/schema";
import { toPublicUser } from "./types";
import { AppError } from "../platform/errors";
import { limited } from "../platform/rate-limit";
import { publish } from "../platform/events";
import "./events";
import type { ProfileUpdate } from "./schemas";

type ProfileTx = DrizzleTx;

/** The public fields a change is judged by: when none of them changed, nobody is told. */
const shown = (u: User) => [u.displayName, u.bio, u.avatar].join("\u0000");

/**
 * The one path that writes a profile: in a transaction with the user's row locked, `alongside` runs
 * first (the avatar's own row), then `changes` are written; after commit, when a shown field really
 * changed, everyone who shares a conversation with the user (and the user's other tabs) gets
 * `user:updated`. Throws `unauthorized` when the account was deleted meanwhile.
 */
export async function writeProfile({
  userId,
  changes,
  alongside,
}: {
  userId: string;
  changes: Partial<Pick<User, "displayName" | "bio" | "avatar">>;
  alongside?: (tx: ProfileTx) => Promise<void>;
}): Promise<User> {
  // drizzleTransaction: a commit whose answer was lost is still announced
  const { before, user } = await drizzleTransaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    // the account was deleted after this request's session was checked: signed out, as the session is gone
    if (!before) throw new AppError("unauthorized", "This account was deleted");
    await alongside?.(tx);
    const [user] = await tx
      .update(users)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    return { before, user };
  });
  if (shown(before) !== shown(user)) await publish({ type: "user.updated", user: toPublicUser(user) });
  return user;
}

/**
 * Changes the caller's display name, bio or avatar (`avatar: null` removes the picture, as DELETE
 * /api/me/avatar does; a picture is set only by ./avatar-upload.ts). When one of them really
 * changed, everyone who shares a conversation with the caller (and the caller's other tabs) gets
 * `user:updated`. Throws `rate_limited` past LIMITS.profile, `unauthorized` when the account was
 * deleted meanwhile.
 */
export async function updateProfile({ userId, changes }: { userId: string; changes: ProfileUpdate }): Promise<User> {
  return limited("profile", userId, () =>
    writeProfile({
      userId,
      changes,
      alongside: changes.avatar === null ? async (tx) => void (await tx.delete(avatars).where(eq(avatars.userId, userId))) : undefined,
    }),
  );
}
