/** Server-action plumbing: every action gets the live session and parsed input, or answers with state. */
import "server-only";
import type { z } from "zod";
import { getCurrentSession } from "./current-session";
import { AppError, toAppError, type FieldErrors } from "../platform/errors";
import type { LiveSession } from "../sessions/store";
import { fieldErrors } from "../platform/validation";

/** What a form renders: a message, per-field errors, and the submitted values to refill it. */
export interface ActionState {
  error?: string;
  success?: string;
  fields?: FieldErrors;
  values?: Record<string, string>;
}

/** The answer to an action called with something else than the form's fields (only a hand-made request can). */
export const NOT_A_FORM = "Send the form's fields";

/**
 * Whether an action's argument is really a FormData. An action is a public endpoint whose
 * arguments the caller encodes: a request can pass a string (a lone surrogate, say) or an object
 * where the form should be, and reading it as a form would fail with a 500.
 */
export function isForm(form: unknown): form is FormData {
  return form instanceof FormData;
}

/**
 * Wraps `fn` as a server action: checks the session itself (an action is a public endpoint), picks
 * `fieldNames` from the form, validates them and maps typed errors to form state. Passwords are
 * never echoed back into `values`.
 */
export function actionWithSession<S extends z.ZodType>(
  schema: S,
  fieldNames: string[],
  fn: (input: z.infer<S>, live: LiveSession) => Promise<string | void>,
) {
  return async (_prev: ActionState, form: FormData): Promise<ActionState> => {
    if (!isForm(form)) return { error: NOT_A_FORM };
    const raw: Record<string, unknown> = {};
    const values: Record<string, string> = {};
    for (const name of fieldNames) {
      const v = form.get(name);
      if (v === null) continue;
      raw[name] = typeof v === "string" ? v : undefined;
      if (typeof v === "string" && !/password/i.test(name)) values[name] = v;
    }
    const live = await getCurrentSession();
    if (!live) return { error: "Your session has ended. Sign in again.", values };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { fields: fieldErrors(parsed.error), values };
    try {
      const success = await fn(parsed.data, live);
      // Refill with what was stored (trimmed, normalised), not the raw input.
      const data = (parsed.data ?? {}) as Record<string, unknown>;
      const stored = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof data[k] === "string" ? (data[k] as string) : v]));
      return { success: success ?? "Saved", values: stored };
    } catch (err) {
      // redirect() and notFound() work by throwing: let them through.
      if (!(err instanceof AppError) && (err as { digest?: string })?.digest?.startsWith("NEXT_")) throw err;
      const e = toAppError(err);
      return e.fields ? { fields: e.fields, values } : { error: e.message, values };
    }
  };
}
