/** People as others see them, and as each sees themself (browser-safe). */
import type { User } from "@/db/schema";

/** What anyone may see of a user. Chosen field by field: never a hash or an email. */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  avatar: string | null;
  createdAt: string;
}

/** What the user sees of themself. */
export interface OwnProfile extends PublicUser {
  email: string;
}

/** The columns of a users row that make a PublicUser: what the public reads fetch (lib/people/directory.ts). */
export type PublicUserRow = Pick<User, "id" | "username" | "displayName" | "bio" | "avatar" | "createdAt">;

/** The public fields of a users row (a whole row, or the public columns alone). */
export function toPublicUser(u: PublicUserRow): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    bio: u.bio,
    avatar: u.avatar,
    createdAt: u.createdAt.toISOString(),
  };
}

/** The public fields and the email: for the user themself only (GET /api/me). */
export function toOwnProfile(u: User): OwnProfile {
  return { ...toPublicUser(u), email: u.email };
}
