import Link from "next/link";
import { PersonName } from "../PersonName";
import { DELETED_USER_NAME } from "../client/people";
import styles from "../messages/SystemNote.module.scss";

/**
 * In place of the composer once another member removed one from the conversation on screen:
 * "Ada removed you from “Compilers”." (names and title bidi-isolated) and the way back to the list.
 * `by` is the remover's name (undefined: an account since deleted).
 */
export function RemovedNotice({ by, title }: { by: string | undefined; title: string }) {
  return (
    <p className={styles.notice} role="status" data-testid="removed-notice">
      <span>
        <PersonName name={by ?? DELETED_USER_NAME} /> removed you from “<bdi>{title}</bdi>”. You can still read what was here.
      </span>
      <Link href="/">Back to conversations</Link>
    </p>
  );
}
