/**
 * Conversation rules, in one place for the server, the client and the bench (browser-safe): limits,
 * who may do what by role, who may remove whom, and who becomes owner when the owner goes.
 */

/** A member's role in a group; direct conversations have two plain members. */
export type Role = "owner" | "admin" | "member";

export const GROUP_MAX_MEMBERS = 256;
export const GROUP_TITLE_MAX = 64;
/** Title fields show their counter (components/CharCount.tsx) from this many characters. */
export const TITLE_COUNT_FROM = GROUP_TITLE_MAX - 14;
