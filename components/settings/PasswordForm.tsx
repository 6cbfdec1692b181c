"use client";

import { useActionState, useState, type FormEvent } from "react";
import { Field } from "@/components/Field";
import formStyles from "@/components/Form.module.scss";
import type { ActionState } from "@/lib/http/action";
import { ACCOUNT_LIMITS } from "@/lib/accounts/rules";
import { passwordLengthProblem } from "@/lib/accounts/rules";
import { FormStatus } from "./FormStatus";
import styles from "./Settings.module.scss";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

export function PasswordForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  const f = state.fields ?? {};
  // the length is checked here in code points, as the server counts (no HTML minLength: UTF-16 units)
  const [tooShort, setTooShort] = useState<string>();
  const check = (e: FormEvent<HTMLFormElement>) => {
    const problem = passwordLengthProblem(String(new FormData(e.currentTarget).get("newPassword") ?? ""));
    setTooShort(problem);
    if (problem) e.preventDefault();
  };
  return (
    <form className={styles.form} action={formAction} onSubmit={check} noValidate aria-label="Change password">
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required error={f.currentPassword} />
      <Field
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${ACCOUNT_LIMITS.passwordMin} characters`}
        error={tooShort ?? f.newPassword}
      />
      <FormStatus state={state} />
      <div className={styles.actions}>
        <button type="submit" className={formStyles.button} disabled={pending}>
          {pending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
