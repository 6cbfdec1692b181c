import type { ReactNode } from "react";
import styles from "@/components/auth/AuthCard.module.scss";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <div className={styles.brand}>
          <span className={styles.logo} aria-hidden="true">
            P
          </span>
          <span className={styles.name}>Parley</span>
        </div>
        {children}
      </div>
    </main>
  );
}
