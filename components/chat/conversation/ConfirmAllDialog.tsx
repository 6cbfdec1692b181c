"use client";

import { Dialog } from "../Dialog";
import styles from "../Dialog.module.scss";

/**
 * Asks before a message that names everyone (`@all` / `@here`) goes to a big group
 * (mention-autocomplete.ts `needsAllConfirmation`). Escape, Cancel or the backdrop (`onClose`) keep
 * the message in the composer; the composer takes the focus back either way. The composer loads it
 * when first wanted (../LazyDialog.tsx).
 */
export function ConfirmAllDialog({ memberCount, onSend, onClose }: { memberCount: number; onSend(): void; onClose(): void }) {
  return (
    <Dialog title="Notify everyone?" onClose={onClose}>
      <p data-testid="confirm-all-text">
        This message mentions <strong>@all</strong>: each of the {memberCount} members of this group will be notified.
      </p>
      <div className={styles.footer}>
        <button type="button" className={styles.secondary} onClick={onClose}>
          Cancel
        </button>
        <button type="button" className={styles.primary} onClick={onSend}>
          Send and notify everyone
        </button>
      </div>
    </Dialog>
  );
}
