/**
 * People's limits (browser-safe, zod-free): the forms, the directory search and the client's
 * lookups count with these, and the server's schemas (./schemas) state the same numbers.
 */

/** Usernames: 3–32 of [a-z0-9_], stored lowercase (DESIGN.md, Data model). */
export const USERNAME = { min: 3, max: 32, chars: /^[a-z0-9_]+$/ } as const;

/**
 * Usernames nobody may register: a mention of them names everyone in the conversation
 * (lib/messages/rules.ts: `@all`, and its alias `@here`, as in Slack and Mattermost), so a person
 * holding one could never be mentioned alone, and mentioning them would ping everyone.
 */
export const RESERVED_USERNAMES: readonly string[] = ["all", "here"];

/** Whether `s` could name a stored username (allowed characters, not longer than USERNAME.max): anything else names nobody. */
export function isUsername(s: string): boolean {
  return s.length > 0 && s.length <= USERNAME.max && USERNAME.chars.test(s);
}

export const PROFILE_LIMITS = {
  displayNameMax: 64,
  bioMax: 280,
} as const;

/** The counter under a display-name field (components/Field.tsx `count`): NFC like the server, shown from 14 left. */
export const NAME_COUNT = { max: PROFILE_LIMITS.displayNameMax, nfc: true, from: PROFILE_LIMITS.displayNameMax - 14 } as const;

/** A directory page: this many people by default, at most `max`. */
export const DIRECTORY_PAGE = { default: 20, max: 50 } as const;
/** The longest directory search, in code points (the search fields stop there too). */
export const DIRECTORY_QUERY_MAX = 64;

/** At most this many ids in one public-profile lookup (GET /api/users?ids=). */
export const PROFILE_LOOKUP_MAX = 100;

/**
 * Avatars (issue 14, item 4; docs/attachments.md "Avatars"): the picture as stored and shown, in
 * pixels a side (a square WebP re-encoded by the server); the largest upload, in bytes (413 beyond);
 * the image types taken (sniffed from the bytes; anything else is 400). The settings page's crop
 * sends AVATAR_CROP_PX a side, so that the server has twice what it keeps.
 */
export const AVATAR_PX = 256;
export const AVATAR_CROP_PX = 512;
export const AVATAR_MAX_BYTES = 10 * 1024 * 1024;
export const AVATAR_TYPES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp"];
