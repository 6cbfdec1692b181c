"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Avatar } from "@/components/Avatar";
import type { PublicUser } from "@/lib/people/types";
import type { ConversationView } from "@/lib/conversations/types";
import { isolate } from "@/lib/platform/text";
import { CharCount, countedLength } from "@/components/CharCount";
import { canManageGroup, checkGroupTitle, GROUP_TITLE_MAX, removalRefusal, TITLE_COUNT_FROM } from "@/lib/conversations/rules";
import { useChatActions } from "../hooks/useChat";
import { useMeId, usePresenceKnown } from "../hooks/useChatState";
import { useEscapeLayer } from "@/components/useEscapeLayer";
import { Dialog } from "../Dialog";
import { PersonName } from "../PersonName";
import { PersonPicker } from "../sidebar/PersonPicker";
import styles from "../Dialog.module.scss";

const ROLE_LABEL = { owner: "Owner", admin: "Admin", member: "" } as const;

/**
 * A group's settings: rename, members (add and remove for owners and admins), leave. "Leave group…"
 * asks first; Escape then cancels the question (focus back on "Leave group…"), and a second Escape
 * closes the dialog.
 */
export function GroupSettings({ conversation, onClose }: { conversation: ConversationView; onClose(): void }) {
  const meId = useMeId();
  const presenceKnown = usePresenceKnown();
  const actions = useChatActions();
  const canManage = canManageGroup(conversation.role);
  const [title, setTitle] = useState(conversation.title ?? "");
  const [adding, setAdding] = useState<PublicUser[] | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const leaveButton = useRef<HTMLButtonElement>(null);
  const backToLeave = useRef(false);

  function stay() {
    setConfirmLeave(false);
    backToLeave.current = true;
  }
  useEscapeLayer(confirmLeave, stay);
  useEffect(() => {
    // the question's buttons are gone: the focus goes back to what asked it
    if (confirmLeave || !backToLeave.current) return;
    backToLeave.current = false;
    leaveButton.current?.focus();
  }, [confirmLeave]);

  async function run(fn: () => Promise<void>, done?: string) {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      await fn();
      if (done) setSaved(done);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function rename(e: FormEvent) {
    e.preventDefault();
    // the server's rule, checked here first for an immediate, precise message
    const parsed = checkGroupTitle(title);
    if (!parsed.success) return setError(parsed.message);
    void run(() => actions.rename(conversation.id, parsed.data), "Name saved");
  }

  const members = [...conversation.members].sort((a, b) => (a.id === meId ? -1 : b.id === meId ? 1 : a.displayName.localeCompare(b.displayName)));

  return (
    <Dialog title="Group settings" onClose={onClose} wide>
      {canManage ? (
        <form className={styles.form} onSubmit={rename} aria-label="Rename group">
          <label htmlFor="group-rename" className={styles.label}>
            Group name
          </label>
          <div className={styles.row}>
            <input id="group-rename" className={styles.input} style={{ flex: 1 }} value={title} onChange={(e) => setTitle(e.target.value)}
              aria-describedby={countedLength(title, true) >= TITLE_COUNT_FROM ? "group-rename-count" : undefined}
              aria-invalid={countedLength(title, true) > GROUP_TITLE_MAX || undefined}
              autoFocus
            />
            <button type="submit" className={styles.primary} disabled={busy || title.trim() === (conversation.title ?? "")}>
              Save
            </button>
          </div>
          <CharCount id="group-rename-count" value={title} max={GROUP_TITLE_MAX} nfc from={TITLE_COUNT_FROM} />
        </form>
      ) : (
        <p className={styles.label} data-testid="group-title-line">
          <bdi>{conversation.title}</bdi>
        </p>
      )}
      {saved && (
        <p role="status" className={styles.role}>
          {saved}
        </p>
      )}
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}

      <section className={styles.section} aria-labelledby="members-heading">
        <div className={styles.row} style={{ alignItems: "center", justifyContent: "space-between" }}>
          <h3 id="members-heading" className={styles.sectionTitle}>
            {conversation.members.length} members
          </h3>
          {canManage && adding === null && (
            <button type="button" className={styles.smallButton} onClick={() => setAdding([])}>
              Add people
            </button>
          )}
        </div>
        {adding !== null && (
          <div className={styles.form}>
            <PersonPicker
              meId={meId}
              exclude={conversation.members.map((m) => m.id)}
              selected={adding}
              onPick={(u) => setAdding((list) => (list!.some((x) => x.id === u.id) ? list!.filter((x) => x.id !== u.id) : [...list!, u]))}
              label="Add people"
            />
            <div className={styles.footer}>
              <button type="button" className={styles.secondary} onClick={() => setAdding(null)}>
                Cancel
              </button>
              <button
                type="button"
                className={styles.primary}
                disabled={busy || adding.length === 0}
                onClick={() => void run(() => actions.addMembers(conversation.id, adding.map((u) => u.id)).then(() => setAdding(null)), "Members added")}
              >
                Add {adding.length || ""}
              </button>
            </div>
          </div>
        )}
        <ul className={styles.people} aria-label="Members">
          {members.map((m) => (
            <li key={m.id} className={styles.member}>
              <Avatar user={m} size={32} online={presenceKnown ? m.online : undefined} />
              <span className={styles.personText}>
                <span className={styles.personName}>
                  <bdi>{m.displayName}</bdi>
                  {m.id === meId && " (you)"}
                </span>
                <span className={styles.personHandle}>
                  @{m.username}
                  {ROLE_LABEL[m.role] && ` · ${ROLE_LABEL[m.role]}`}
                  {presenceKnown && m.online ? " · online" : ""}
                </span>
              </span>
              {m.id !== meId && removalRefusal({ actorRole: conversation.role, targetRole: m.role, self: false }) === null && (
                <button
                  type="button"
                  className={styles.smallButton}
                  disabled={busy}
                  onClick={() => void run(() => actions.removeMember(conversation.id, m.id), `${isolate(m.displayName)} (@${m.username}) was removed`)}
                  aria-label={`Remove ${m.displayName} (@${m.username})`}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>

      <div className={styles.footer}>
        {confirmLeave ? (
          <>
            <span className={styles.role} style={{ alignSelf: "center", marginRight: "auto" }}>
              Leave this group? You will stop getting its messages.
            </span>
            <button type="button" className={styles.secondary} onClick={stay} autoFocus>
              Stay
            </button>
            <button type="button" className={styles.danger} disabled={busy} onClick={() => void run(() => actions.removeMember(conversation.id, meId))}>
              Leave group
            </button>
          </>
        ) : (
          <button ref={leaveButton} type="button" className={styles.secondary} onClick={() => setConfirmLeave(true)}>
            Leave group…
          </button>
        )}
      </div>
    </Dialog>
  );
}
