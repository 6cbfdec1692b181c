/**
 * Message inputs over HTTP and the socket, as zod schemas for the server's adapters. The body's rule
 * and the limits are ./rules's, which the composer imports (a client file never imports a schemas
 * file, so zod stays out of the chat page's JavaScript; tests/unit/architecture.test.ts).
 */
import { z } from "zod";
import { checkedText, queryInt, uuidSchema } from "../platform/validation";
import { ATTACHMENTS_PER_MESSAGE } from "../attachments/rules";
import { checkMessageBody, checkSentBody, HISTORY_PAGE, isReactionEmoji, SHORTCODE } from "./rules";

/** A conversation position (seq / rev) in a JSON body. */
const position = z.number({ error: "Positions are numbers" }).int("Positions are whole numbers").min(0, "Positions are at least 0").max(Number.MAX_SAFE_INTEGER);

/** A message body: ./rules `checkMessageBody`, the composer's own check (stored trimmed). */
export const messageBodySchema = checkedText("Message", checkMessageBody);

/** The message a new one replies to: its id, or null / absent for none. */
const replyToSchema = uuidSchema("replyTo").nullable().optional();

/** The files a new message carries: ids of the sender's own unsent uploads, at most ATTACHMENTS_PER_MESSAGE, each once. */
const attachmentIdsSchema = z
  .array(uuidSchema("attachmentIds"), { error: "attachmentIds is a list of upload ids" })
  .max(ATTACHMENTS_PER_MESSAGE, `At most ${ATTACHMENTS_PER_MESSAGE} files on one message`)
  .refine((ids) => new Set(ids).size === ids.length, "Each file may be attached once")
  .optional();

/** The fields every send has; `body` is checked by `withSentBody` once `attachmentIds` is known. */
const sendFields = { clientId: uuidSchema("clientId"), body: z.string({ error: "Message must be text" }), replyTo: replyToSchema, attachmentIds: attachmentIdsSchema };

/** Checks `body` by ./rules `checkSentBody` (it may be empty when files come with it), as the stored text. */
function withSentBody<T extends { body: string; attachmentIds?: string[] }>(v: T, ctx: z.RefinementCtx): T {
  const checked = checkSentBody(v.body, (v.attachmentIds?.length ?? 0) > 0);
  if (!checked.success) {
    ctx.addIssue({ code: "custom", path: ["body"], message: checked.message });
    return z.NEVER;
  }
  return { ...v, body: checked.data };
}

export const sendMessageSchema = z
  .strictObject({ conversationId: uuidSchema("conversationId"), ...sendFields }, { error: "Expected { conversationId, clientId, body, replyTo?, attachmentIds? }" })
  .transform(withSentBody);
export const restSendMessageSchema = z.strictObject(sendFields, { error: "Expected { clientId, body, replyTo?, attachmentIds? }" }).transform(withSentBody);
/**
 * An edit's new body: `checkSentBody` as if the message had files, so "" passes here; whether the
 * message really has files is known only to the edit itself (./edit.ts refuses "" on a message
 * without them, with the same words as a send's empty body).
 */
export const editMessageSchema = z.strictObject(
  { messageId: uuidSchema("messageId"), body: checkedText("Message", (body) => checkSentBody(body, true)) },
  { error: "Expected { messageId, body }" },
);
export const deleteMessageSchema = z.strictObject({ messageId: uuidSchema("messageId") }, { error: "Expected { messageId }" });
export const pinMessageSchema = z.strictObject(
  { messageId: uuidSchema("messageId"), pinned: z.boolean({ error: "pinned is true or false" }) },
  { error: "Expected { messageId, pinned }" },
);
export const syncSchema = z.strictObject(
  {
    since: z
      .record(uuidSchema("conversationId"), position, { error: "since maps conversation ids to positions" })
      .refine((v) => Object.keys(v).length <= 1000, "since may name at most 1000 conversations"),
  },
  { error: "Expected { since }" },
);
export const readSchema = z.strictObject({ conversationId: uuidSchema("conversationId"), seq: position }, { error: "Expected { conversationId, seq }" });
export const typingSchema = z.strictObject(
  { conversationId: uuidSchema("conversationId"), typing: z.boolean({ error: "typing is true or false" }) },
  { error: "Expected { conversationId, typing }" },
);
/** A conversation position in a query string. */
const seqParam = queryInt("A position", 0, Number.MAX_SAFE_INTEGER);
/** A route that takes no query parameters (GET …/pins): any one is refused as an unknown field. */
export const noQuerySchema = z.strictObject({});

export const historyQuerySchema = z.strictObject({
  before: seqParam.optional(),
  after: seqParam.optional(),
  /** a page centred on this position (DESIGN.md): answered as { messages, hasMoreBefore, hasMoreAfter } */
  around: seqParam.optional(),
  limit: queryInt("limit", 1, HISTORY_PAGE.max).default(HISTORY_PAGE.default),
});


/**
 * `reaction:add` / `reaction:remove`: `emoji` is one fully-qualified RGI emoji or a `:shortcode:`
 * (which one the catalogue knows is the server's to say: lib/messages/reactions.ts).
 */
export const reactionSchema = z.strictObject(
  {
    messageId: uuidSchema("messageId"),
    emoji: z
      .string({ error: "emoji is one emoji or a :shortcode:" })
      .max(66, "emoji is one emoji or a :shortcode:")
      .refine((v) => SHORTCODE.test(v) || isReactionEmoji(v), "emoji is one emoji or a :shortcode:"),
  },
  { error: "Expected { messageId, emoji }" },
);
