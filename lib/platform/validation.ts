/** Input rules, shared by the server (route handlers, actions, sockets) and the forms. */
import { z } from "zod";
import { AppError, type FieldErrors } from "./errors";
import { hasVisibleText, isReservedName, isWellFormed, nameProblem } from "./text";
import { longestMarkRun, markTowerMessage, MAX_MARK_RUN, textLength, truncate } from "./text-length";

export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  displayNameMax: 64,
  emailMax: 254,
  passwordMin: 8,
  // argon2 hashes anything, but hashing megabytes per attempt is a cheap denial of service.
  passwordMax: 200,
  bioMax: 280,
} as const;

/** The counter under a display-name field (components/Field.tsx `count`): NFC like the server, shown from 14 left. */
export const NAME_COUNT = { max: LIMITS.displayNameMax, nfc: true, from: LIMITS.displayNameMax - 14 } as const;

/**
 * Every text field of every transport starts here (DESIGN Text rules): a string, well-formed
 * Unicode (a lone surrogate such as "\ud83d" cannot be stored as sent, so it is a 400, never a 500
 * or a silently altered value), and no NUL (PostgreSQL text cannot hold it). Noncharacters
 * (U+FFFE, U+FFFF, …) and other control characters are well-formed and pass here; names and titles
 * refuse them (`nameProblem`), message bodies keep them (docs/text.md).
 *
 * Lengths: zod 4's string `.max`/`.min` count Unicode code points (DESIGN Text rules), exactly like
 * lib/platform/text-length.ts `textLength`, which the forms and the composer count with;
 * tests/unit/text-length.test.ts fails if a zod upgrade changes that.
 */
const str = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .refine(isWellFormed, `${what} must be well-formed Unicode text (it holds a lone surrogate)`)
    .refine((v) => !v.includes("\u0000"), `${what} may not contain NUL characters`);

/**
 * Text shown to other people (message bodies, bios; names and titles check it in `nameProblem`):
 * at most MAX_MARK_RUN combining marks in a row (lib/platform/text-length.ts), so no "zalgo" tower of marks.
 */
function noMarkTower(what: string) {
  return (v: string, ctx: z.RefinementCtx) => {
    if (longestMarkRun(v) > MAX_MARK_RUN) ctx.addIssue({ code: "custom", message: markTowerMessage(what) });
  };
}

/**
 * A name or title (display name, group title): trimmed, NFC-normalised, 1–`max` code points, and
 * DESIGN's name rules (lib/platform/text.ts `nameProblem`: no control, line-separator, bidi, private-use or
 * unassigned characters, and something visible besides combining marks).
 */
const nameText = (what: string, max: number, messages: { required: string; tooLong: string }) =>
  str(what)
    .max(1000, messages.tooLong)
    .trim()
    .normalize("NFC")
    .min(1, messages.required)
    .max(max, messages.tooLong)
    .superRefine((v, ctx) => {
      const problem = nameProblem(v, what);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

export const usernameSchema = str("Username")
  .max(200, `Username must be at most ${LIMITS.usernameMax} characters`)
  .trim()
  .toLowerCase()
  .min(LIMITS.usernameMin, `Username must be at least ${LIMITS.usernameMin} characters`)
  .max(LIMITS.usernameMax, `Username must be at most ${LIMITS.usernameMax} characters`)
  .regex(/^[a-z0-9_]+$/, "Username may contain only letters, digits and _");

export const emailSchema = str("Email")
  .max(1000, "Enter a valid email address")
  .trim()
  .toLowerCase()
  .max(LIMITS.emailMax, "Enter a valid email address")
  .pipe(z.email({ error: "Enter a valid email address" }));

const PASSWORD_SHORT = `Password must be at least ${LIMITS.passwordMin} characters`;
const PASSWORD_LONG = `Password must be at most ${LIMITS.passwordMax} characters`;

export const passwordSchema = str("Password").min(LIMITS.passwordMin, PASSWORD_SHORT).max(LIMITS.passwordMax, PASSWORD_LONG);

/**
 * The forms' check of a new password's length before sending, in code points like
 * {@link passwordSchema} (lib/platform/text-length.ts textLength; not HTML `minLength`, which counts UTF-16
 * units and takes "😀😀😀😀" as 8): the server's message, or undefined when the length is fine.
 */
export function passwordLengthProblem(password: string): string | undefined {
  const n = textLength(password);
  if (n < LIMITS.passwordMin) return PASSWORD_SHORT;
  if (n > LIMITS.passwordMax) return PASSWORD_LONG;
  return undefined;
}

/** A display name: the name rules, and none of the words the interface shows in place of a person (lib/platform/text.ts RESERVED_NAMES). */
export const displayNameSchema = nameText("Display name", LIMITS.displayNameMax, {
  required: "Display name is required",
  tooLong: `Display name must be at most ${LIMITS.displayNameMax} characters`,
}).refine((v) => !isReservedName(v), "That name is reserved");

export const registerSchema = z
  .strictObject(
    {
      username: usernameSchema,
      email: emailSchema,
      password: passwordSchema,
      displayName: displayNameSchema,
    },
    { error: "Expected an object with username, email, password and displayName" },
  )
  .refine((v) => v.password.toLowerCase() !== v.username, {
    path: ["password"],
    message: "Password must not be your username",
  });
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z.object({
  login: str("Username or email").trim().toLowerCase().min(1, "Enter your username or email").max(LIMITS.emailMax, "Unknown username or email"),
  password: str("Password").min(1, "Enter your password").max(LIMITS.passwordMax, "Wrong password"),
});
export type LoginInput = z.infer<typeof loginSchema>;

/** At most this many unknown keys are named in one error; the rest are left out (a body may hold thousands). */
export const MAX_UNKNOWN_FIELDS = 20;
/** An unknown key is named in the error cut to this many code points, on a grapheme boundary (the longest field name is far shorter). */
export const MAX_FIELD_KEY = 64;

/** A client's key as it may be echoed back: lone surrogates and control characters shown as U+FFFD, cut to {@link MAX_FIELD_KEY}. */
function shownKey(key: string): string {
  return truncate(key.replace(/[\ud800-\udfff\p{Cc}]/gu, "\ufffd"), MAX_FIELD_KEY);
}

/**
 * Zod issues as one message per field (the first one wins). Unknown keys are named "Unknown field"
 * under {@link shownKey} (never ill-formed, at most {@link MAX_FIELD_KEY} code points), at most
 * {@link MAX_UNKNOWN_FIELDS} of them; the schema's own fields always get their message.
 */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  let unknown = 0;
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        if (unknown >= MAX_UNKNOWN_FIELDS) break;
        const shown = shownKey(key);
        if (Object.hasOwn(fields, shown)) continue;
        fields[shown] = "Unknown field";
        unknown++;
      }
      continue;
    }
    const key = issue.path.length ? String(issue.path[0]) : "_";
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Parse or throw a 400 AppError carrying per-field messages. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = fieldErrors(result.error);
  const { _: form, ...rest } = fields;
  throw new AppError("bad_request", form ?? "Some fields are invalid", Object.keys(rest).length ? rest : undefined);
}

export const bioSchema = str("Bio")
  .max(5000, `Bio must be at most ${LIMITS.bioMax} characters`)
  .trim()
  .max(LIMITS.bioMax, `Bio must be at most ${LIMITS.bioMax} characters`)
  .superRefine(noMarkTower("Bio"));

export const profileUpdateSchema = z
  .strictObject(
    {
      displayName: displayNameSchema.optional(),
      bio: bioSchema.optional(),
      // Uploaded images are not supported yet: avatars are initials on a colour; null keeps it so.
      avatar: z.null({ error: "Avatar uploads are not supported; send null or leave it out" }).optional(),
    },
    { error: "Expected an object with displayName, bio or avatar" },
  )
  .refine((v) => Object.keys(v).length > 0, "Send at least one of displayName, bio, avatar");
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;

export const changePasswordSchema = z
  .strictObject(
    {
      currentPassword: str("Current password").min(1, "Enter your current password").max(LIMITS.passwordMax, "Wrong password"),
      newPassword: passwordSchema,
    },
    { error: "Expected an object with currentPassword and newPassword" },
  )
  .refine((v) => v.currentPassword !== v.newPassword, { path: ["newPassword"], message: "Choose a password different from the current one" });

export const deleteAccountSchema = z.strictObject(
  { password: str("Password").min(1, "Enter your password to confirm").max(LIMITS.passwordMax, "Wrong password") },
  { error: "Expected an object with password" },
);

export const DIRECTORY_PAGE = { default: 20, max: 50 } as const;

export const directoryQuerySchema = z.strictObject({
  // NFC like the stored names, so a search typed with combining accents finds them
  q: str("q").max(64, "The search may be at most 64 characters").trim().normalize("NFC").toLowerCase().default(""),
  cursor: str("cursor").max(200, "Invalid cursor").optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(DIRECTORY_PAGE.max, `limit may be at most ${DIRECTORY_PAGE.max}`)
    .default(DIRECTORY_PAGE.default),
});

// ---- conversations and messages ----

export const MESSAGE_MAX = 4000;
export const GROUP_MAX_MEMBERS = 256;
export const HISTORY_PAGE = { default: 50, max: 100 } as const;
export const SYNC_PAGE = 500;

export const uuidSchema = (what: string) => str(what).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `${what} must be a UUID`).toLowerCase();

export const messageBodySchema = str("Message")
  .max(MESSAGE_MAX * 4, `A message may be at most ${MESSAGE_MAX} characters`)
  .trim()
  .min(1, "A message cannot be empty")
  .max(MESSAGE_MAX, `A message may be at most ${MESSAGE_MAX} characters`)
  // only invisible characters (U+200B, U+3164, U+2800 …) would show as an empty bubble
  .refine(hasVisibleText, "A message needs some visible text")
  .superRefine(noMarkTower("A message"));

export const GROUP_TITLE_MAX = 64;
/** Title fields show their counter (components/CharCount.tsx) from this many characters. */
export const TITLE_COUNT_FROM = GROUP_TITLE_MAX - 14;
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

const position = z.number({ error: "Positions are numbers" }).int("Positions are whole numbers").min(0, "Positions are at least 0").max(Number.MAX_SAFE_INTEGER);

export const sendMessageSchema = z.strictObject(
  { conversationId: uuidSchema("conversationId"), clientId: uuidSchema("clientId"), body: messageBodySchema },
  { error: "Expected { conversationId, clientId, body }" },
);
export const restSendMessageSchema = z.strictObject({ clientId: uuidSchema("clientId"), body: messageBodySchema }, { error: "Expected { clientId, body }" });
export const editMessageSchema = z.strictObject({ messageId: uuidSchema("messageId"), body: messageBodySchema }, { error: "Expected { messageId, body }" });
export const deleteMessageSchema = z.strictObject({ messageId: uuidSchema("messageId") }, { error: "Expected { messageId }" });
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

const seqParam = z.coerce.number({ error: "Positions are numbers" }).int("Positions are whole numbers").min(0).max(Number.MAX_SAFE_INTEGER);
export const historyQuerySchema = z.strictObject({
  before: seqParam.optional(),
  after: seqParam.optional(),
  limit: z.coerce.number({ error: "limit must be a number" }).int().min(1, "limit must be at least 1").max(HISTORY_PAGE.max, `limit may be at most ${HISTORY_PAGE.max}`).default(HISTORY_PAGE.default),
});

/** At most this many ids in one public-profile lookup (GET /api/users?ids=). */
export const PROFILE_LOOKUP_MAX = 100;

/** GET /api/users?ids=a,b,c: public profiles by id, for senders who are no longer members. */
export const profileLookupSchema = z.strictObject({
  ids: str("ids")
    .max(PROFILE_LOOKUP_MAX * 37, `At most ${PROFILE_LOOKUP_MAX} ids`)
    .transform((s) => [...new Set(s.split(",").filter(Boolean))])
    .pipe(z.array(uuidSchema("ids")).min(1, "Name at least one id").max(PROFILE_LOOKUP_MAX, `At most ${PROFILE_LOOKUP_MAX} ids`)),
});
