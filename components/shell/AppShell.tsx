import type { ReactNode } from "react";
import type { PublicUser } from "@/lib/accounts";
import { Avatar } from "@/components/Avatar";
import styles from "./AppShell.module.scss";
import { SignOutButton } from "./SignOutButton";
import { ThemeToggle } from "./ThemeToggle";

interface AppShellProps {
  user: PublicUser;
  /** the conversation list; the chat fills it */
  sidebar: ReactNode;
  children: ReactNode;
  /** on phones the list and the conversation are separate screens */
  showPaneOnPhone?: boolean;
}

export function AppShell({ user, sidebar, children, showPaneOnPhone = false }: AppShellProps) {
  return (
    <div className={styles.shell} data-pane={showPaneOnPhone ? "main" : "list"}>
      <aside className={styles.sidebar} aria-label="Conversations">
        <header className={styles.me}>
          <Avatar user={user} size={40} online />
          <div className={styles.meText}>
            <span className={styles.meName} data-testid="me-name">
              {user.displayName}
            </span>
            <span className={styles.meHandle}>@{user.username}</span>
          </div>
          <ThemeToggle />
          <SignOutButton />
        </header>
        {sidebar}
      </aside>
      <main className={styles.main}>{children}</main>
    </div>
  );
}
