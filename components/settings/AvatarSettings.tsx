"use client";

import { lazy, Suspense, useRef, useState } from "react";
import { Avatar } from "@/components/Avatar";
import formStyles from "@/components/Form.module.scss";
import { AVATAR_TYPES } from "@/lib/people/rules";
import type { PublicUser } from "@/lib/people/types";
import { problemOf } from "./problem";
import styles from "./Settings.module.scss";

// the crop dialog's code loads only when a picture is chosen (the settings page's own load stays small)
const AvatarCrop = lazy(() => import("./AvatarCrop"));

type Status = { kind: "idle" } | { kind: "busy"; text: string } | { kind: "done"; text: string } | { kind: "error"; text: string };

/**
 * One's picture in the settings' Profile section: shown as others see it, "Change picture" (a file,
 * then the crop dialog, ./AvatarCrop.tsx) and "Remove picture" (DELETE /api/me/avatar). Others see
 * the change at once (`user:updated`).
 */
export function AvatarSettings({ user }: { user: PublicUser }) {
  const [avatar, setAvatar] = useState(user.avatar);
  const [chosen, setChosen] = useState<File | null>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const input = useRef<HTMLInputElement>(null);
  const changeButton = useRef<HTMLButtonElement>(null);

  const choose = (file: File | undefined) => {
    if (input.current) input.current.value = ""; // the same file may be chosen again
    if (!file) return;
    if (!file.type.startsWith("image/")) return setStatus({ kind: "error", text: "Choose an image: PNG, JPEG, GIF or WebP." });
    setStatus({ kind: "idle" });
    setChosen(file);
  };
  const remove = async () => {
    setStatus({ kind: "busy", text: "Removing…" });
    try {
      const res = await fetch("/api/me/avatar", { method: "DELETE" });
      if (!res.ok) return setStatus({ kind: "error", text: await problemOf(res) });
      setAvatar(((await res.json()) as { user: PublicUser }).user.avatar);
      setStatus({ kind: "done", text: "Picture removed" });
      changeButton.current?.focus();
    } catch {
      setStatus({ kind: "error", text: "Could not reach the server. Try again." });
    }
  };
  const busy = status.kind === "busy";

  return (
    <div className={styles.avatarRow} data-testid="avatar-settings">
      <Avatar user={{ ...user, avatar }} size={88} />
      <div className={styles.avatarSide}>
        <div className={styles.actions}>
          <button ref={changeButton} type="button" className={styles.secondary} onClick={() => input.current?.click()} disabled={busy}>
            Change picture
          </button>
          {avatar && (
            <button type="button" className={styles.secondary} onClick={remove} disabled={busy}>
              Remove picture
            </button>
          )}
          <input ref={input} type="file" accept={AVATAR_TYPES.join(",")} hidden data-testid="avatar-file-input" onChange={(e) => choose(e.target.files?.[0])} />
        </div>
        <p className={styles.hint}>PNG, JPEG, GIF or WebP. You choose the square; others see it as a circle.</p>
        {status.kind === "error" ? (
          <div className={formStyles.alert} role="alert">
            {status.text}
          </div>
        ) : (
          <div className={status.kind === "done" ? styles.success : styles.hint} role="status">
            {status.kind === "idle" ? "" : status.text}
          </div>
        )}
      </div>
      {chosen && (
        <Suspense fallback={null}>
          <AvatarCrop
            file={chosen}
            onClose={() => setChosen(null)}
            onSaved={(saved) => {
              setAvatar(saved.avatar);
              setChosen(null);
              setStatus({ kind: "done", text: "Picture saved" });
            }}
          />
        </Suspense>
      )}
    </div>
  );
}
