import type { ReactNode } from "react";
import type { PublicUser } from "@/lib/accounts";
import { Avatar } from "@/components/Avatar";
import styles from "./AppShell.module.scss";
import { ShellFrame } from "./ShellFrame";
import { SidebarNav } from "./SidebarNav";
import { SignOutButton } from "./SignOutButton";
import { ThemeToggle } from "./ThemeToggle";

interface AppShellProps {
  user: PublicUser;
  /** the conversation list; the chat fills it */
  sidebar: ReactNode;
  children: ReactNode;
}

export function AppShell({ user, sidebar, children }: AppShellProps) {
  return (
    <ShellFrame>
      <aside className={styles.sidebar} aria-label="Conversations">
        <header className={styles.me}>
          <Avatar user={user} size={40} online />
          <div className={styles.meText}>
            <span className={styles.meName} data-testid="me-name" title={user.displayName}>
              {user.displayName}
            </span>
            <span className={styles.meHandle}>@{user.username}</span>
          </div>
          <ThemeToggle />
          <SignOutButton />
        </header>
        <SidebarNav />
        {sidebar}
      </aside>
      <main className={styles.main}>{children}</main>
    </ShellFrame>
  );
}
