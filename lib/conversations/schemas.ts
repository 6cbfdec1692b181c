/**
 * Conversation inputs as zod schemas for the server: starting one, group titles, members, one's
 * settings. The title's rule and the limits are ./rules's, which the dialogs import.
 */
import { z } from "zod";
import { checkedText, uuidSchema } from "../platform/validation";
import { checkGroupTitle, GROUP_MAX_MEMBERS } from "./rules";

/** A group title: ./rules `checkGroupTitle`, the dialogs' own check. */
export const groupTitleSchema = checkedText("Title", checkGroupTitle);

const userIdList = z
  .array(uuidSchema("Member"), { error: "memberIds must be a list of user ids" })
  .max(GROUP_MAX_MEMBERS, `A group may have at most ${GROUP_MAX_MEMBERS} members`);

export const createConversationSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("direct"), userId: uuidSchema("userId") }),
    // clientId: the creator's idempotency key (optional): a retry with it answers the group it made
    z.strictObject({ kind: z.literal("group"), title: groupTitleSchema, memberIds: userIdList, clientId: uuidSchema("clientId").optional() }),
  ],
  { error: 'kind must be "direct" or "group"' },
);
export type CreateConversationInput = z.infer<typeof createConversationSchema>;

export const renameConversationSchema = z.strictObject({ title: groupTitleSchema }, { error: "Expected { title }" });
export const addMembersSchema = z.strictObject({ userIds: userIdList.min(1, "Name at least one user") }, { error: "Expected { userIds }" });

/** The notification levels a member may choose (ConversationView.notifications). */
export const NOTIFICATION_LEVELS = ["all", "mentions", "none"] as const;

/** PATCH /api/conversations/:id/settings: the caller's own settings there (only `notifications` for now). */
export const conversationSettingsSchema = z.strictObject(
  { notifications: z.enum(NOTIFICATION_LEVELS, { error: 'notifications must be "all", "mentions" or "none"' }) },
  { error: "Expected { notifications }" },
);
export type ConversationSettingsInput = z.infer<typeof conversationSettingsSchema>;
