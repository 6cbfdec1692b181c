"use client";

import Link from "next/link";
import { useActionState } from "react";
import { register, type RegisterState } from "@/app/(auth)/register/actions";
import { Field } from "@/components/Field";
import formStyles from "@/components/Form.module.scss";
import { ACCOUNT_LIMITS } from "@/lib/accounts/rules";
import { NAME_COUNT } from "@/lib/people/rules";
import styles from "./AuthCard.module.scss";

/** Shown from 8 left; no maxLength, which would cut a pasted name without a word. */
const USERNAME_COUNT = { max: ACCOUNT_LIMITS.usernameMax, from: ACCOUNT_LIMITS.usernameMax - 8 };

export function RegisterForm() {
  const [state, action, pending] = useActionState<RegisterState, FormData>(register, {});
  const f = state.fields ?? {};
  const v = state.values ?? {};
  return (
    <>
      <h1 className={styles.title}>Create your account</h1>
      <p className={styles.subtitle}>Chat with people and groups in real time.</p>
      {/* no HTML minLength on the password: it counts UTF-16 units ("😀😀😀😀" would be 8); the server
          counts code points and answers every field's error at once */}
      <form className={styles.form} action={action} noValidate>
        {state.error && (
          <div className={formStyles.alert} role="alert">
            {state.error}
          </div>
        )}
        <Field
          name="displayName"
          label="Display name"
          autoComplete="name"
          required
          count={NAME_COUNT}
          defaultValue={v.displayName}
          error={f.displayName}
        />
        <Field
          name="username"
          label="Username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          count={USERNAME_COUNT}
          hint={`${ACCOUNT_LIMITS.usernameMin}–${ACCOUNT_LIMITS.usernameMax} letters, digits or _`}
          defaultValue={v.username}
          error={f.username}
        />
        <Field name="email" label="Email" type="email" autoComplete="email" required defaultValue={v.email} error={f.email} />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint={`At least ${ACCOUNT_LIMITS.passwordMin} characters`}
          error={f.password}
        />
        <button className={formStyles.button} type="submit" disabled={pending}>
          {pending ? "Creating account…" : "Create account"}
        </button>
      </form>
      <p className={styles.alt}>
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </>
  );
}
