"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { registerUser } from "@/lib/accounts/register";
import { clientAddress } from "@/lib/http/client-address";
import { isForm, NOT_A_FORM } from "@/lib/http/action";
import { signInFromAction } from "@/lib/http/current-session";
import { AppError, toAppError } from "@/lib/platform/errors";
import { fieldErrors } from "@/lib/platform/validation";
import { registerSchema } from "@/lib/accounts/schemas";

export interface RegisterState {
  error?: string;
  fields?: Record<string, string>;
  values?: { username?: string; email?: string; displayName?: string };
}

const text = (v: FormDataEntryValue | null) => (typeof v === "string" ? v : undefined);

/** The /register form: the same validation and lib function as POST /api/users, then signed in. */
export async function register(_prev: RegisterState, form: FormData): Promise<RegisterState> {
  if (!isForm(form)) return { error: NOT_A_FORM };
  const input = {
    username: text(form.get("username")),
    email: text(form.get("email")),
    password: text(form.get("password")),
    displayName: text(form.get("displayName")),
  };
  const values = { username: input.username, email: input.email, displayName: input.displayName };
  const parsed = registerSchema.safeParse(input);
  if (!parsed.success) return { fields: fieldErrors(parsed.error), values };
  try {
    const user = await registerUser({ input: parsed.data, address: clientAddress(await headers()) });
    await signInFromAction(user);
  } catch (err) {
    const e = err instanceof AppError ? err : toAppError(err);
    return { error: e.fields ? undefined : e.message, fields: e.fields, values };
  }
  redirect("/");
}
