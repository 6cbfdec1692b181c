/**
 * The shared input pipeline of every domain's schemas: the base text check every field starts
 * from, names and titles, ids and positions, and zod issues turned into the error shape. Each
 * domain's fields and limits live in its own `schemas.ts` and `rules.ts`. The text rules themselves
 * are zod-free functions in ./field-checks, which the browser runs too; this file only wraps them.
 */
import { z } from "zod";
import { AppError, type FieldErrors } from "./errors";
import { checkName, markTowerProblem, textProblem, type TextCheck } from "./field-checks";
import { truncate } from "./text-length";

/**
 * Every text field of every transport starts here (DESIGN Text rules): a string, well-formed
 * Unicode (a lone surrogate such as "\ud83d" cannot be stored as sent, so it is a 400, never a 500
 * or a silently altered value), and no NUL (PostgreSQL text cannot hold it): ./field-checks
 * `textProblem`. Noncharacters (U+FFFE, U+FFFF, …) and other control characters are well-formed
 * and pass here; names and titles refuse them (`nameProblem`), message bodies keep them (docs/text.md).
 *
 * Lengths: zod 4's string `.max`/`.min` count Unicode code points (DESIGN Text rules), exactly like
 * lib/platform/text-length.ts `textLength`, which the forms and the composer count with;
 * tests/unit/text-length.test.ts fails if a zod upgrade changes that.
 */
export const str = (what: string) =>
  z.string({ error: `${what} must be text` }).superRefine((v, ctx) => {
    const problem = textProblem(v, what);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/**
 * A whole number given as a query-string value: decimal digits only (not "", " 3", "0x3", "1e3" or
 * "-1", which `z.coerce.number` took as 0, 3, 3 and 1000), then within `min`..`max`.
 */
export const queryInt = (what: string, min: number, max: number) =>
  z
    .string({ error: `${what} must be a whole number` })
    .regex(/^[0-9]{1,16}$/, `${what} must be a whole number (digits only)`)
    .transform(Number)
    .pipe(z.number().min(min, `${what} must be at least ${min}`).max(max, `${what} may be at most ${max}`));

/**
 * A text field whose whole rule is a zod-free check the browser runs too (./field-checks
 * `TextCheck`: the value as stored, or the refusal): the value becomes the stored one, a refusal
 * becomes the field's issue (continuable, like `.max`, so an object's own refinements still run).
 */
export const checkedText = (what: string, check: (value: string) => TextCheck) =>
  z.string({ error: `${what} must be text` }).check((ctx) => {
    const checked = check(ctx.value);
    if (checked.success) ctx.value = checked.data;
    else ctx.issues.push({ code: "custom", message: checked.message, input: ctx.value, continue: true });
  });

/**
 * Text shown to other people (message bodies, bios; names and titles check it in `nameProblem`):
 * at most MAX_MARK_RUN combining marks in a row (./field-checks `markTowerProblem`), so no "zalgo" tower of marks.
 */
export function noMarkTower(what: string) {
  return (v: string, ctx: z.RefinementCtx) => {
    const problem = markTowerProblem(v, what);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
}

/** A name or title (display name, group title): ./field-checks `checkName`, which the dialogs run before sending. */
export const nameText = (what: string, max: number, messages: { required: string; tooLong: string }) =>
  checkedText(what, (v) => checkName(v, what, max, messages));

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

