import { otherMethods, requireAuth, route } from "@/lib/http/route";
import { pathId, queryOf } from "@/lib/http/params";
import { downloadResponse } from "@/lib/http/download";
import { openAvatar } from "@/lib/people/avatar-upload";
import { avatarQuerySchema } from "@/lib/people/schemas";
import { parseInput } from "@/lib/platform/validation";

type Ctx = { params: Promise<{ userId: string }> };

/**
 * A person's picture (the URL in PublicUser `avatar`), for any signed-in caller: `image/webp`,
 * 256×256, `inline`, nosniff, the API's sandboxing CSP, a strong ETag (the SHA-256; 304 on
 * If-None-Match). With the current `?v=` (the first 16 hex digits of the SHA-256) it is cached for a
 * year, immutable: a new picture has a new URL; without it, or with an old one, it is revalidated
 * each time. 401; 404 when the person has no picture (or does not exist); 400 for another query
 * parameter; 429 past LIMITS.download.
 */
export const GET = route<Ctx>(async (req, { params }) => {
  const { user } = await requireAuth(req);
  const userId = pathId((await params).userId, "picture");
  const { v } = parseInput(avatarQuerySchema, queryOf(req));
  const avatar = await openAvatar({ viewerId: user.id, userId });
  const res = downloadResponse(req, {
    id: userId,
    name: "avatar.webp",
    contentType: "image/webp",
    size: avatar.data.byteLength,
    etag: `"${avatar.sha256}"`,
    inline: true,
    read: async function* (start, end) {
      yield avatar.data.subarray(start, end + 1);
    },
  });
  if (v !== avatar.sha256.slice(0, 16)) res.headers.set("Cache-Control", "private, no-cache");
  return res;
});

const other = otherMethods("GET");
export { other as POST, other as PUT, other as PATCH, other as DELETE };
