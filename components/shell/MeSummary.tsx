"use client";

import type { PublicUser } from "@/lib/people/types";
import { Avatar } from "@/components/Avatar";
import { useOptionalChatSelector } from "@/components/chat/hooks/useChat";
import { presenceKnown } from "@/components/chat/client/selectors";
import styles from "./AppShell.module.scss";

/**
 * One's own avatar, name and handle at the top of the sidebar; a name changed in another tab shows
 * at once (`user:updated`). The dot is grey while this page is not connected.
 */
export function MeSummary({ user }: { user: PublicUser }) {
  const me = useOptionalChatSelector((s) => s.people[user.id]) ?? user;
  // while this page's socket is down, others see one as offline: so does one's own dot
  const online = useOptionalChatSelector(presenceKnown) ?? true;
  return (
    <>
      <Avatar user={me} size={40} online={online} />
      <div className={styles.meText}>
        <span className={styles.meName} data-testid="me-name" title={me.displayName}>
          {me.displayName}
        </span>
        <span className={styles.meHandle}>@{me.username}</span>
      </div>
    </>
  );
}
