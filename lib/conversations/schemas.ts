/** Conversation inputs: starting one, group titles, members (browser-safe: the dialogs check with them). */
import { z } from "zod";
import { nameText, uuidSchema } from "../platform/validation";
import { GROUP_MAX_MEMBERS, GROUP_TITLE_MAX } from "./rules";

/** A group title: the name rules (lib/platform/text.ts `nameProblem`). */
export const groupTitleSchema = nameText("Title", GROUP_TITLE_MAX, {
  required: "Give the group a title",
  tooLong: `A title may be at most ${GROUP_TITLE_MAX} characters`,
});

const userIdList = z
  .array(uuidSchema("Member"), { error: "memberIds must be a list of user ids" })
  .max(GROUP_MAX_MEMBERS, `A group may have at most ${GROUP_MAX_MEMBERS} members`);

export const createConversationSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("direct"), userId: uuidSchema("userId") }),
    z.strictObject({ kind: z.literal("group"), title: groupTitleSchema, memberIds: userIdList }),
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
