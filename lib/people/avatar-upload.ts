/**
 * Avatars (issue 14, item 4; DESIGN.md "Attachments and avatars"; docs/attachments.md "Avatars"):
 * an uploaded image, sniffed from its bytes, re-encoded by sharp to a 256×256 WebP (EXIF orientation
 * applied, centre-cropped to a square, no metadata: EXIF and GPS do not survive), kept in its own row
 * (`avatars`), and named in `users.avatar` by a URL that changes with the picture.
 */
import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import { getSql } from "@/db";
import { avatars, type User } from "@/db/schema";
import { AppError } from "../platform/errors";
import { consume, limited } from "../platform/rate-limit";
import { imageJob, mayDecode, MAX_STREAMED_PIXELS } from "../platform/images";
import { writeProfile } from "./profile";
import { AVATAR_MAX_BYTES, AVATAR_PX, AVATAR_TYPES } from "./rules";

/** The URL of `userId`'s picture whose SHA-256 is `sha256`: a new picture is a new URL, so it may be cached for good. */
export function avatarUrl(userId: string, sha256: string): string {
  return `/api/avatars/${userId}?v=${sha256.slice(0, 16)}`;
}

/**
 * Reads an upload's bytes whole (an avatar is decoded whole anyway), at most AVATAR_MAX_BYTES;
 * throws `payload_too_large` as soon as more arrive (the rest of the body is then read and dropped
 * by lib/http/multipart.ts).
 */
export async function readAvatarUpload(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of source) {
    size += part.byteLength;
    if (size > AVATAR_MAX_BYTES) throw new AppError("payload_too_large", `A picture may be at most ${AVATAR_MAX_BYTES / 1024 / 1024} MiB`);
    parts.push(part);
  }
  return Buffer.concat(parts);
}

/** The picture as stored: 256×256 WebP, oriented, cropped to the centre square, without metadata. Throws `bad_request` for anything else. */
async function reencode(image: Buffer): Promise<Buffer> {
  const type = (await fileTypeFromBuffer(image))?.mime;
  if (!type || !AVATAR_TYPES.includes(type)) throw new AppError("bad_request", "A picture must be a PNG, JPEG, GIF or WebP image", { file: "Not a PNG, JPEG, GIF or WebP image" });
  // its header first: decoding a small file of huge or deep pixels would take the node's memory (../platform/images.ts)
  const meta = await sharp(image).metadata().catch(() => null);
  if (meta && !mayDecode(meta)) throw new AppError("bad_request", "This picture is too large to process: at most 50 megapixels (fewer for interlaced or 16-bit images)", { file: "Too large to process" });
  try {
    // no withMetadata(): sharp writes none, so EXIF (camera, GPS) and ICC profiles are dropped
    return await imageJob(() =>
      sharp(image, { limitInputPixels: MAX_STREAMED_PIXELS, failOn: "error" })
        .rotate()
        .resize(AVATAR_PX, AVATAR_PX, { fit: "cover", position: "centre" })
        .webp({ quality: 82 })
        .toBuffer(),
    );
  } catch {
    throw new AppError("bad_request", "This picture cannot be read (damaged, or larger than 50 megapixels)", { file: "Cannot be read" });
  }
}

/**
 * Sets `userId`'s picture from `image` (the uploaded bytes): re-encoded (./reencode), stored in
 * `avatars`, `users.avatar` set to its URL, and `user:updated` sent to everyone who shares a
 * conversation with the user (the same path as a name change, ./profile.ts). Throws `rate_limited`
 * past LIMITS.avatar, `bad_request` for anything but a readable PNG, JPEG, GIF or WebP,
 * `unauthorized` when the account was deleted meanwhile. Answers the updated user.
 */
export async function setAvatar({ userId, image }: { userId: string; image: Buffer }): Promise<User> {
  return limited("avatar", userId, async () => {
    const data = await reencode(image);
    const sha256 = createHash("sha256").update(data).digest("hex");
    return writeProfile({
      userId,
      changes: { avatar: avatarUrl(userId, sha256) },
      alongside: async (tx) => {
        const row = { userId, data, sha256, updatedAt: new Date() };
        await tx.insert(avatars).values(row).onConflictDoUpdate({ target: avatars.userId, set: { data, sha256, updatedAt: row.updatedAt } });
      },
    });
  });
}

/**
 * Removes `userId`'s picture (initials on a colour again) and tells everyone who shares a
 * conversation (when there was one). Throws `rate_limited` past LIMITS.avatar, `unauthorized` when
 * the account was deleted meanwhile. Answers the updated user.
 */
export async function removeAvatar({ userId }: { userId: string }): Promise<User> {
  return limited("avatar", userId, () =>
    writeProfile({ userId, changes: { avatar: null }, alongside: async (tx) => void (await tx.delete(avatars).where(eq(avatars.userId, userId))) }),
  );
}

/** A stored picture: WebP bytes and their hex SHA-256 (the ETag; its first 16 digits are the URL's version). */
export interface StoredAvatar {
  data: Buffer;
  sha256: string;
}

/**
 * `userId`'s picture, for any signed-in `viewerId` (pictures are public to signed-in people, like
 * the profile that names them). Throws `not_found` when there is none (or no such user),
 * `rate_limited` past LIMITS.download (shared with attachments: a page of people asks for many).
 */
export async function openAvatar({ viewerId, userId }: { viewerId: string; userId: string }): Promise<StoredAvatar> {
  await consume("download", viewerId);
  const [row] = await getSql()<{ data: Buffer; sha256: string }[]>`select data, sha256 from avatars where user_id = ${userId}`;
  if (!row) throw new AppError("not_found", "No such picture");
  return row;
}
