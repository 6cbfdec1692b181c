"use client";

import { useEffect, useState, type InputHTMLAttributes } from "react";
import { CharCount, countedLength } from "./CharCount";
import styles from "./Form.module.scss";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  /** a counter of the field's limit, counted like the server (components/CharCount.tsx) */
  count?: { max: number; nfc?: boolean; from?: number };
}

/**
 * A labelled input whose error is announced and tied to it for screen readers. With `count`, a
 * counter shows how much of the limit is used (no `maxLength`: the browser counts UTF-16 units,
 * which would stop a name of emoji at half its length).
 */
export function Field({ name, label, error, hint, count, id = `field-${name}`, ...input }: FieldProps) {
  const initial = String(input.value ?? input.defaultValue ?? "");
  const [value, setValue] = useState(initial);
  useEffect(() => setValue(initial), [initial]);
  const length = count ? countedLength(value, count.nfc) : 0;
  const counted = count && length >= (count.from ?? 0);
  const over = count && length > count.max;
  const described = [error && `${id}-error`, hint && `${id}-hint`, counted && `${id}-count`].filter(Boolean).join(" ") || undefined;
  return (
    <div className={styles.field}>
      <label className={styles.label} htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        className={styles.input}
        aria-invalid={error || over ? true : undefined}
        aria-describedby={described}
        {...input}
        onChange={(e) => {
          setValue(e.target.value);
          input.onChange?.(e);
        }}
      />
      {count && <CharCount id={`${id}-count`} value={value} max={count.max} nfc={count.nfc} from={count.from} />}
      {hint && !error && (
        <span id={`${id}-hint`} className={styles.hint}>
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className={styles.error} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
