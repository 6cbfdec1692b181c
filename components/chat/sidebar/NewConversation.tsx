"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { PublicUser } from "@/lib/people/types";
import { CharCount, countedLength } from "@/components/CharCount";
import { checkGroupTitle, GROUP_TITLE_MAX, TITLE_COUNT_FROM } from "@/lib/conversations/rules";
import { useChatActions } from "../hooks/useChat";
import { useMeId } from "../hooks/useChatState";
import { Dialog } from "../Dialog";
import { PersonPicker } from "./PersonPicker";
import { newClientId } from "../client/outbox";
import { requestComposerFocus } from "../conversation/composer-focus";
import styles from "../Dialog.module.scss";

/**
 * Both dialogs end the same way: start a conversation, close, open it (its composer focused); or
 * stay open with the error. `setError` also lets a dialog explain a problem before anything is sent.
 */
function useStartAndOpen(onClose: () => void) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function startAndOpen(start: () => Promise<{ id: string }>) {
    setBusy(true);
    setError(null);
    try {
      const c = await start();
      onClose();
      requestComposerFocus(c.id);
      router.push(`/c/${c.id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }
  return { busy, error, setError, startAndOpen };
}

/** Pick a person, open (or start) the direct conversation with them. */
export function NewMessageDialog({ onClose }: { onClose(): void }) {
  const meId = useMeId();
  const actions = useChatActions();
  const { busy, error, startAndOpen } = useStartAndOpen(onClose);

  const pick = (user: PublicUser) => startAndOpen(() => actions.startDirect(user.id));

  return (
    <Dialog title="New message" onClose={onClose}>
      <div aria-busy={busy}>
        <PersonPicker meId={meId} onPick={(u) => void pick(u)} label="To" />
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}

/** Name a group, pick its members, create it and open it. */
export function NewGroupDialog({ onClose }: { onClose(): void }) {
  const meId = useMeId();
  const actions = useChatActions();
  const [title, setTitle] = useState("");
  const [members, setMembers] = useState<PublicUser[]>([]);
  // one creation per dialog: a second try after an error (the group may have been made, its answer
  // lost) sends the same key and gets that group instead of a second one
  const [clientId] = useState(newClientId);
  const { busy, error, setError, startAndOpen } = useStartAndOpen(onClose);

  function toggle(u: PublicUser) {
    setMembers((list) => (list.some((m) => m.id === u.id) ? list.filter((m) => m.id !== u.id) : [...list, u]));
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    // the server's rule, checked here first for an immediate, precise message
    const parsed = checkGroupTitle(title);
    if (!parsed.success) return setError(parsed.message);
    if (members.length === 0) return setError("Add at least one person");
    await startAndOpen(() => actions.createGroup(parsed.data, members.map((m) => m.id), clientId));
  }

  return (
    <Dialog title="New group" onClose={onClose} wide>
      <form className={styles.form} onSubmit={create} aria-label="New group">
        <label htmlFor="group-title" className={styles.label}>
          Group name
        </label>
        <input
          id="group-title"
          className={styles.input}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-describedby={countedLength(title, true) >= TITLE_COUNT_FROM ? "group-title-count" : undefined}
          aria-invalid={countedLength(title, true) > GROUP_TITLE_MAX || undefined}
          autoComplete="off"
          autoFocus
          required
        />
        <CharCount id="group-title-count" value={title} max={GROUP_TITLE_MAX} nfc from={TITLE_COUNT_FROM} />
        {members.length > 0 && (
          <ul className={styles.chips} aria-label="Members to add">
            {members.map((m) => (
              <li key={m.id}>
                <button type="button" className={styles.chip} data-testid="member-chip" onClick={() => toggle(m)} aria-label={`Remove ${m.displayName} (@${m.username})`}>
                  <bdi>{m.displayName}</bdi> <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <PersonPicker meId={meId} selected={members} onPick={toggle} label="Add people" />
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
        <div className={styles.footer}>
          <button type="button" className={styles.secondary} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={styles.primary} disabled={busy}>
            {busy ? "Creating…" : `Create group${members.length ? ` (${members.length + 1})` : ""}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
