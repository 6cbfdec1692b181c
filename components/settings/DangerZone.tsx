"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Field } from "@/components/Field";
import { useEscapeLayer } from "@/components/useEscapeLayer";
import type { ActionState } from "@/lib/http/action";
import { FormStatus } from "./FormStatus";
import styles from "./Settings.module.scss";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

/**
 * Account deletion: a deliberate second step that asks for the password. Escape (or Cancel) closes
 * that step, except while the deletion is under way, and puts the focus back on "Delete account…".
 */
export function DangerZone({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, {});
  const [confirming, setConfirming] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const cancelled = useRef(false);
  const cancel = () => {
    if (pending) return;
    cancelled.current = true;
    setConfirming(false);
  };
  useEscapeLayer(confirming, cancel);
  useEffect(() => {
    if (confirming || !cancelled.current) return;
    cancelled.current = false;
    opener.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <div className={styles.actions}>
        <button ref={opener} type="button" className={styles.dangerButton} onClick={() => setConfirming(true)}>
          Delete account…
        </button>
      </div>
    );
  }
  return (
    <form className={styles.form} action={formAction} noValidate aria-label="Delete account">
      <p className={styles.lead}>
        This permanently deletes your profile and sign-in. Your past messages stay in their conversations,
        shown as “Deleted user”. Your username and email become free for anyone.
      </p>
      <Field name="password" label="Your password" type="password" autoComplete="current-password" required autoFocus error={state.fields?.password} />
      <FormStatus state={{ error: state.error }} />
      <div className={styles.actions}>
        <button type="submit" className={styles.dangerSolid} disabled={pending}>
          {pending ? "Deleting…" : "Delete my account permanently"}
        </button>
        <button type="button" className={styles.secondary} onClick={cancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
