/**
 * The shared input pipeline of every domain's schemas (browser-safe): the base text check every
 * field starts from, names and titles, ids and positions, and zod issues turned into the error
 * shape. Each domain's fields and limits live in its own `schemas.ts`.
 */
import { z } from "zod";
import { AppError, type FieldErrors } from "./errors";
import { isWellFormed, nameProblem } from "./text";
import { longestMarkRun, markTowerMessage, MAX_MARK_RUN, truncate } from "./text-length";

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
export const str = (what: string) =>
  z
    .string({ error: `${what} must be text` })
    .refine(isWellFormed, `${what} must be well-formed Unicode text (it holds a lone surrogate)`)
    .refine((v) => !v.includes("\u0000"), `${what} may not contain NUL characters`);

/**
 * Text shown to other people (message bodies, bios; names and titles check it in `nameProblem`):
 * at most MAX_MARK_RUN combining marks in a row (lib/platform/text-length.ts), so no "zalgo" tower of marks.
 */
export function noMarkTower(what: string) {
  return (v: string, ctx: z.RefinementCtx) => {
    if (longestMarkRun(v) > MAX_MARK_RUN) ctx.addIssue({ code: "custom", message: markTowerMessage(what) });
  };
}

/**
 * A name or title (display name, group title): trimmed, NFC-normalised, 1–`max` code points, and
 * DESIGN's name rules (lib/platform/text.ts `nameProblem`: no control, line-separator, bidi, private-use or
 * unassigned characters, and something visible besides combining marks).
 */
export const nameText = (what: string, max: number, messages: { required: string; tooLong: string }) =>
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

/** A UUID in its text form, any letter case (RFC 9562 §4): the one pattern for ids in bodies, queries and paths. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id field: a UUID, lowercased (ids are stored lowercase). */
export const uuidSchema = (what: string) => str(what).regex(UUID_PATTERN, `${what} must be a UUID`).toLowerCase();

