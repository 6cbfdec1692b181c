import type { ReactNode } from "react";
import type { PublicUser } from "@/lib/people/types";
import styles from "./AppShell.module.scss";
import { MeSummary } from "./MeSummary";
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
          <MeSummary user={user} />
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
