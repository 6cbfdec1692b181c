/**
 * Conversation rules, in one place for the server, the client and the bench (browser-safe,
 * zod-free): limits, the group title's check, who may do what by role and who may remove whom.
 * (Who becomes owner when the owner goes is SQL: store.ts promoteHeirs.)
 */
import { checkName, type TextCheck } from "../platform/field-checks";

/** A member's role in a group; direct conversations have two plain members. */
export type Role = "owner" | "admin" | "member";

export const GROUP_MAX_MEMBERS = 256;
export const GROUP_TITLE_MAX = 64;
/** Title fields show their counter (components/CharCount.tsx) from this many characters. */
export const TITLE_COUNT_FROM = GROUP_TITLE_MAX - 14;

/**
 * A group title as the server takes it (./schemas `groupTitleSchema` is this check): the name rules
 * (lib/platform/text.ts `nameProblem`), at most GROUP_TITLE_MAX code points after trimming and NFC.
 * Answers the title as stored, or the server's refusal; the dialogs run it before sending.
 */
export function checkGroupTitle(title: string): TextCheck {
  return checkName(title, "Title", GROUP_TITLE_MAX, {
    required: "Give the group a title",
    tooLong: `A title may be at most ${GROUP_TITLE_MAX} characters`,
  });
}

/**
 * Whether `actor` may take `target` out of a group: anyone may leave; the owner removes anyone; an
 * admin removes plain members only. The server decides with it (conversations/service.ts) and the
 * group settings offer "Remove" with it, so the two cannot drift. Returns the refusal, or null.
 */
export function removalRefusal({ actorRole, targetRole, self }: { actorRole: Role; targetRole: Role; self: boolean }): string | null {
  if (self) return null;
  if (actorRole === "owner") return null;
  if (actorRole === "admin") return targetRole === "member" ? null : "Admins can remove members only";
  return "Only the owner or an admin can remove members";
}

/** Who may rename a group or add people to it. */
export function canManageGroup(role: Role): boolean {
  return role === "owner" || role === "admin";
}
