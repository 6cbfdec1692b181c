import styles from "./Replies.module.scss";

/** "Pinned", under a pinned message. */
export function PinnedMark() {
  return (
    <span className={styles.pinnedMark} data-testid="pinned-mark">
      <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d="M12 17v5M9 3h6l-1 7 4 3v2H6v-2l4-3-1-7z" />
      </svg>
      Pinned
    </span>
  );
}
