"use client";

/**
 * The reactions under a message: one chip per emoji with its count, one's own highlighted
 * (aria-pressed); a click or Enter toggles one's own. Who reacted shows in a tooltip on hover and
 * keyboard focus, and on a long press by touch (which then does not toggle). Names are isolated
 * (<bdi>), "You" for oneself, "Deleted user" for an account nobody knows.
 */
import { useEffect, useId, useRef, useState } from "react";
import type { ReactionView } from "@/lib/messages/types";
import { AddReaction } from "./AddReaction";
import { useReactions, type ReactionsApi } from "./ReactionsContext";
import styles from "./Reactions.module.scss";
import { useInnerTabIndex } from "../tab-stops";

/** A press held this long by touch shows who reacted instead of toggling. */
export const LONG_PRESS_MS = 450;

/** Who reacted, in order, "You" first when one did. */
export function reactorNames(reaction: ReactionView, api: Pick<ReactionsApi, "meId" | "nameOf">): string[] {
  const mine = reaction.userIds.includes(api.meId);
  return [...(mine ? ["You"] : []), ...reaction.userIds.filter((id) => id !== api.meId).map((id) => api.nameOf(id))];
}

function Chip({ messageId, reaction, api, onError }: { messageId: string; reaction: ReactionView; api: ReactionsApi; onError(message: string | null): void }) {
  const [tip, setTip] = useState<"hover" | "press" | null>(null);
  const [busy, setBusy] = useState(false);
  const tabIndex = useInnerTabIndex();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pressed = useRef(false);
  const id = useId();
  const mine = reaction.userIds.includes(api.meId);
  const names = reactorNames(reaction, api);

  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (tip !== "press") return;
    const away = () => setTip(null);
    document.addEventListener("pointerdown", away);
    return () => document.removeEventListener("pointerdown", away);
  }, [tip]);

  function showNames() {
    const unknown = reaction.userIds.filter((u) => u !== api.meId && api.nameOf(u) === "Deleted user");
    if (unknown.length) api.lookup(unknown);
  }

  async function toggle() {
    if (pressed.current) {
      pressed.current = false; // the long press showed the names: no toggle
      return;
    }
    setBusy(true);
    onError(await api.react(messageId, reaction.emoji, !mine));
    setBusy(false);
  }

  return (
    <span className={styles.chipWrap}>
      <button
        type="button"
        className={styles.chip}
        data-mine={mine || undefined}
        data-testid="reaction"
        aria-pressed={mine}
        tabIndex={tabIndex}
        aria-label={`${reaction.emoji} ${reaction.count}`}
        aria-describedby={id}
        disabled={busy}
        onClick={() => void toggle()}
        onMouseEnter={() => (showNames(), setTip((t) => t ?? "hover"))}
        onMouseLeave={() => setTip((t) => (t === "hover" ? null : t))}
        onFocus={() => (showNames(), setTip((t) => t ?? "hover"))}
        onBlur={() => setTip((t) => (t === "hover" ? null : t))}
        onContextMenu={(e) => e.preventDefault()}
        onPointerDown={(e) => {
          pressed.current = false;
          if (e.pointerType !== "touch") return;
          clearTimeout(timer.current);
          timer.current = setTimeout(() => {
            pressed.current = true;
            showNames();
            setTip("press");
          }, LONG_PRESS_MS);
        }}
        onPointerUp={() => clearTimeout(timer.current)}
        onPointerCancel={() => clearTimeout(timer.current)}
      >
        <span className={styles.chipEmoji}>{reaction.emoji}</span>
        <span className={styles.chipCount}>{reaction.count}</span>
      </button>
      <span id={id} role="tooltip" className={styles.tooltip} data-open={tip !== null || undefined} data-testid={tip ? "reactors" : undefined}>
        {names.map((n, i) => (
          <span key={i}>
            {i > 0 && (i === names.length - 1 ? " and " : ", ")}
            <bdi>{n}</bdi>
          </span>
        ))}{" "}
        reacted with {reaction.emoji}
      </span>
    </span>
  );
}

/** The chips of one message, and a "+" after them; nothing when it has no reactions. A refusal goes to `onError` (the message shows it). */
export function ReactionChips({ messageId, reactions, onError }: { messageId: string; reactions: ReactionView[]; onError(message: string | null): void }) {
  const api = useReactions();
  if (!api || reactions.length === 0) return null;
  return (
    <div className={styles.chips} role="group" aria-label="Reactions">
      {reactions.map((r) => (
        <Chip key={r.emoji} messageId={messageId} reaction={r} api={api} onError={onError} />
      ))}
      <AddReaction messageId={messageId} variant="chip" onError={onError} />
    </div>
  );
}
