"use client";

import styles from "@/components/shell/EmptyState.module.scss";

/** Any page that fails (the database being unreachable, say) shows this instead of a stack trace. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className={styles.empty} style={{ minHeight: "100dvh" }}>
      <h1 className={styles.title}>Parley is having trouble right now</h1>
      <div className={styles.body}>
        <p>This is usually brief — the service may be temporarily unavailable. Your sent messages are safe.</p>
      </div>
      <button type="button" onClick={reset} style={{ minHeight: 44, padding: "0 20px", borderRadius: 10, border: "1px solid var(--border)", background: "var(--surface)", cursor: "pointer" }}>
        Try again
      </button>
    </main>
  );
}
