import Link from "next/link";
import type { ReactNode } from "react";
import styles from "./PageHeader.module.scss";

/** The main pane's header; on phones it carries the way back to the list. */
export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className={styles.header}>
      <Link href="/" className={styles.back} aria-label="Back to conversations">
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          <path d="m15 18-6-6 6-6" />
        </svg>
      </Link>
      <h1 className={styles.title}>{title}</h1>
      {children}
    </header>
  );
}
