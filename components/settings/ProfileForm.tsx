"use client";

import { useActionState, useState } from "react";
import { Field } from "@/components/Field";
import formStyles from "@/components/Form.module.scss";
import type { ActionState } from "@/lib/http/action";
import { CharCount, countedLength } from "@/components/CharCount";
import { PROFILE_LIMITS } from "@/lib/people/rules";
import { NAME_COUNT } from "@/lib/people/rules";
import { FormStatus } from "./FormStatus";
import styles from "./Settings.module.scss";

type Action = (prev: ActionState, form: FormData) => Promise<ActionState>;

export function ProfileForm({ action, profile }: { action: Action; profile: { displayName: string; bio: string } }) {
  const [state, formAction, pending] = useActionState(action, {});
  const values = { ...profile, ...state.values };
  const [bio, setBio] = useState(values.bio);
  const f = state.fields ?? {};
  return (
    <form className={styles.form} action={formAction} noValidate aria-label="Profile">
      <Field name="displayName" label="Display name" defaultValue={values.displayName} count={NAME_COUNT} required error={f.displayName} />
      <div className={formStyles.field}>
        <label className={formStyles.label} htmlFor="field-bio">
          Bio
        </label>
        <textarea
          id="field-bio"
          name="bio"
          className={`${formStyles.input} ${styles.textarea}`}
          defaultValue={values.bio}
          aria-invalid={f.bio || countedLength(bio) > PROFILE_LIMITS.bioMax ? true : undefined}
          aria-describedby={f.bio ? "field-bio-error" : "field-bio-count"}
          onChange={(e) => setBio(e.target.value)}
        />
        <CharCount id="field-bio-count" value={bio} max={PROFILE_LIMITS.bioMax} />
        {f.bio && (
          <span id="field-bio-error" className={formStyles.error} role="alert">
            {f.bio}
          </span>
        )}
      </div>
      <FormStatus state={state} />
      <div className={styles.actions}>
        <button type="submit" className={formStyles.button} disabled={pending}>
          {pending ? "Saving…" : "Save profile"}
        </button>
      </div>
    </form>
  );
}
