import { json, otherMethods, requireAuth, route } from "@/lib/http/route";
import { withUploadedFile } from "@/lib/http/multipart";
import { queryOf } from "@/lib/http/params";
import { readAvatarUpload, removeAvatar, setAvatar } from "@/lib/people/avatar-upload";
import { toOwnProfile } from "@/lib/people/types";
import { noQuerySchema } from "@/lib/messages/schemas";
import { parseInput } from "@/lib/platform/validation";

/**
 * Sets one's picture: multipart/form-data with one file in the field `file` (PNG, JPEG, GIF or
 * WebP, sniffed from the bytes; at most AVATAR_MAX_BYTES, 10 MiB) → 200 `{ user }` (OwnProfile, its
 * `avatar` the new URL). The server crops it to the centre square and re-encodes it as a 256×256
 * WebP without metadata; everyone who shares a conversation gets `user:updated`. 400 for a body that
 * is not exactly one file, or a file that is not such an image; 401; 403 from another origin; 413
 * past the limit (a declared Content-Length before any byte is read); 429 past LIMITS.avatar.
 */
export const PUT = route(async (req) => {
  const { user } = await requireAuth(req);
  parseInput(noQuerySchema, queryOf(req));
  // read whole first, set after: a body found malformed after the file (a second part) changes nothing
  const image = await withUploadedFile(req, "file", ({ bytes }) => readAvatarUpload(bytes), async () => {});
  return json({ user: toOwnProfile(await setAvatar({ userId: user.id, image })) });
});

/**
 * Removes one's picture (initials on a colour again) → 200 `{ user }`; also when there was none.
 * Everyone who shares a conversation gets `user:updated` when there was one. 401; 403 from another
 * origin; 429 past LIMITS.avatar.
 */
export const DELETE = route(async (req) => {
  const { user } = await requireAuth(req);
  parseInput(noQuerySchema, queryOf(req));
  return json({ user: toOwnProfile(await removeAvatar({ userId: user.id })) });
});

const other = otherMethods("PUT", "DELETE");
export { other as GET, other as POST, other as PATCH };
