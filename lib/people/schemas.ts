/**
 * Profile fields and the directory's queries, as zod schemas for the server's adapters. The limits
 * are ./rules's (which the forms import: a client file never imports a schemas file, so zod stays
 * out of the pages' JavaScript; tests/unit/architecture.test.ts).
 */
import { z } from "zod";
import { isReservedName } from "../platform/text";
import { nameText, noMarkTower, queryInt, str, uuidSchema } from "../platform/validation";
import { DIRECTORY_PAGE, DIRECTORY_QUERY_MAX, PROFILE_LIMITS, PROFILE_LOOKUP_MAX } from "./rules";

/** A display name: the name rules, and none of the words the interface shows in place of a person (lib/platform/text.ts RESERVED_NAMES). */
export const displayNameSchema = nameText("Display name", PROFILE_LIMITS.displayNameMax, {
  required: "Display name is required",
  tooLong: `Display name must be at most ${PROFILE_LIMITS.displayNameMax} characters`,
}).refine((v) => !isReservedName(v), "That name is reserved");

export const bioSchema = str("Bio")
  .max(5000, `Bio must be at most ${PROFILE_LIMITS.bioMax} characters`)
  .trim()
  .max(PROFILE_LIMITS.bioMax, `Bio must be at most ${PROFILE_LIMITS.bioMax} characters`)
  .superRefine(noMarkTower("Bio"));

export const profileUpdateSchema = z
  .strictObject(
    {
      displayName: displayNameSchema.optional(),
      bio: bioSchema.optional(),
      // A picture is set only by PUT /api/me/avatar (the server re-encodes it); null removes it, as DELETE does
      avatar: z.null({ error: "Set a picture with PUT /api/me/avatar; send null to remove it" }).optional(),
    },
    { error: "Expected an object with displayName, bio or avatar" },
  )
  .refine((v) => Object.keys(v).length > 0, "Send at least one of displayName, bio, avatar");
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;

export const directoryQuerySchema = z.strictObject({
  // NFC like the stored names, so a search typed with combining accents finds them
  q: str("q").max(DIRECTORY_QUERY_MAX, `The search may be at most ${DIRECTORY_QUERY_MAX} characters`).trim().normalize("NFC").toLowerCase().default(""),
  cursor: str("cursor").max(200, "Invalid cursor").optional(),
  limit: queryInt("limit", 1, DIRECTORY_PAGE.max).default(DIRECTORY_PAGE.default),
});

/** GET /api/users?ids=a,b,c: public profiles by id, for senders who are no longer members. */
export const profileLookupSchema = z.strictObject({
  ids: str("ids")
    .max(PROFILE_LOOKUP_MAX * 37, `At most ${PROFILE_LOOKUP_MAX} ids`)
    .transform((s) => [...new Set(s.split(",").filter(Boolean))])
    .pipe(z.array(uuidSchema("ids")).min(1, "Name at least one id").max(PROFILE_LOOKUP_MAX, `At most ${PROFILE_LOOKUP_MAX} ids`)),
});

/** GET /api/avatars/:userId?v=: the picture's version (the first 16 hex digits of its SHA-256), which only decides how long it may be cached. */
export const avatarQuerySchema = z.strictObject({
  v: str("v").max(64, "Invalid version").optional(),
});
