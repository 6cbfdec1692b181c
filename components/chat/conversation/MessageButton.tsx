"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useChatActions } from "../hooks/useChat";
import { requestComposerFocus } from "./composer-focus";
import styles from "../Chat.module.scss";

/** Starts (or reopens) the direct conversation with someone, then opens it, ready to type. */
export function MessageButton({ userId, className }: { userId: string; className?: string }) {
  const actions = useChatActions();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    setBusy(true);
    setError(null);
    try {
      const c = await actions.startDirect(userId);
      requestComposerFocus(c.id);
      router.push(`/c/${c.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className={className} onClick={() => void open()} disabled={busy}>
        {busy ? "Opening…" : "Message"}
      </button>
      {error && (
        <p className={styles.notice} role="alert">
          {error}
        </p>
      )}
    </>
  );
}
