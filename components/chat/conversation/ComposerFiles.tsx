"use client";

import { fileSize } from "../messages/Attachments";
import type { PendingFile } from "./useUploads";
import styles from "./Composer.module.scss";

/** The files to send, above the composer's field: each with its name, its progress or size (or why it was refused), and a button to cancel or remove it. */
export function ComposerFiles({ files, onRemove }: { files: PendingFile[]; onRemove(file: PendingFile): void }) {
  return (
    <ul className={styles.files} aria-label="Files to send" data-testid="composer-files">
      {files.map((f) => (
        <li key={f.key} className={styles.file} data-status={f.status} data-testid="composer-file">
          <span className={styles.fileText}>
            <bdi className={styles.fileName}>{f.name}</bdi>
            <span className={styles.fileState}>
              {f.status === "uploading" ? `${Math.round(f.progress * 100)} %` : f.status === "failed" ? f.error : fileSize(f.size)}
            </span>
          </span>
          {f.status === "uploading" && <progress className={styles.progress} value={f.progress} max={1} aria-label={`Uploading ${f.name}`} />}
          <button type="button" className={styles.fileRemove} onClick={() => onRemove(f)} aria-label={`${f.status === "uploading" ? "Cancel" : "Remove"} ${f.name}`} title={f.status === "uploading" ? "Cancel" : "Remove"}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
