"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import styles from "./AppShell.module.scss";

/** Signs out through next-auth, whose signOut event revokes the session row and its sockets. */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={styles.iconButton}
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/login" });
      }}
      aria-label="Sign out"
      title="Sign out"
    >
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" />
        <path d="m16 17 5-5-5-5" />
        <path d="M21 12H9" />
      </svg>
      <span className={styles.buttonLabel}>Sign out</span>
    </button>
  );
}
