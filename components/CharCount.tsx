import { textLength } from "@/lib/platform/text-length";
import styles from "./Form.module.scss";

/**
 * How much of a text field's limit is used, counted as the server counts it (lib/platform/text-length.ts
 * `textLength`: code points of the trimmed text, NFC-normalised first for names and titles, which
 * the server normalises before it counts): "12 / 64", marked when over. Shown once `from` is
 * reached (default: always). The field points at `id` with aria-describedby.
 */
export function CharCount({ id, value, max, nfc = false, from = 0 }: { id: string; value: string; max: number; nfc?: boolean; from?: number }) {
  const n = countedLength(value, nfc);
  if (n < from) return null;
  return (
    <span id={id} className={styles.counter} data-over={n > max || undefined} data-testid="char-count">
      {n} / {max}
      {n > max && <span className="visually-hidden"> characters: {n - max} over the limit</span>}
    </span>
  );
}

/** The length the server will check: code points of the trimmed text (NFC-normalised first when `nfc`). */
export function countedLength(value: string, nfc = false): number {
  const trimmed = value.trim();
  return textLength(nfc ? trimmed.normalize("NFC") : trimmed);
}
