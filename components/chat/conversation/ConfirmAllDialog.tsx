"use client";

import { Dialog } from "../Dialog";
import styles from "../Dialog.module.scss";

/**
 * Asks before a message that names everyone (`@all` / `@here`) goes to a big group
 * (mention-autocomplete.ts `needsAllConfirmation`). Escape, Cancel or the backdrop keep the
 * message in the composer; the composer takes the focus back either way.
 */
export function ConfirmAllDialog({ memberCount, onSend, onCancel }: { memberCount: number; onSend(): void; onCancel(): void }) {
  return (
    <Dialog title="Notify everyone?" onClose={onCancel}>
      <p data-testid="confirm-all-text">
        This message mentions <strong>@all</strong>: each of the {memberCount} members of this group will be notified.
      </p>
      <div className={styles.footer}>
        <button type="button" className={styles.secondary} onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className={styles.primary} onClick={onSend}>
          Send and notify everyone
        </button>
      </div>
    </Dialog>
  );
}
