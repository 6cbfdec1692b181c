"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Field } from "@/components/Field";
import formStyles from "@/components/Form.module.scss";
import styles from "./AuthCard.module.scss";

/**
 * Posts to next-auth's credentials callback (with its CSRF token) and shows the server's own message,
 * which covers wrong credentials, bad input and the login throttle alike.
 */
async function signInWithCredentials(login: string, password: string): Promise<string | null> {
  const { csrfToken } = (await (await fetch("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login, password, csrfToken, json: "true", callbackUrl: "/" }),
  });
  if (res.ok) return null;
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? "Sign-in failed. Try again.";
}

export function LoginForm({ notice }: { notice?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const login = String(data.get("login") ?? "");
    const password = String(data.get("password") ?? "");
    if (!login.trim() || !password) {
      setError("Enter your username or email and your password.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const failure = await signInWithCredentials(login, password);
      if (!failure) {
        window.location.assign("/");
        return;
      }
      setError(failure);
    } catch {
      setError("Could not reach Parley. Check your connection and try again.");
    }
    setPending(false);
  }

  return (
    <>
      <h1 className={styles.title}>Welcome back</h1>
      <p className={styles.subtitle}>Sign in to continue your conversations.</p>
      <form className={styles.form} onSubmit={onSubmit} noValidate>
        {notice && !error && (
          <div className={formStyles.notice} role="status">
            {notice}
          </div>
        )}
        {error && (
          <div className={formStyles.alert} role="alert">
            {error}
          </div>
        )}
        <Field name="login" label="Username or email" autoComplete="username" autoCapitalize="none" spellCheck={false} required />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required />
        <button className={formStyles.button} type="submit" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className={styles.alt}>
        New to Parley? <Link href="/register">Create an account</Link>
      </p>
    </>
  );
}
