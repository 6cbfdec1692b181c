/**
 * "Open this conversation and type": whoever opens a conversation on purpose (a sidebar row clicked
 * or Entered, the Ctrl+K switcher, Alt+↑/↓, a new conversation, a profile's Message button) asks
 * for its composer to take the focus once it is on screen, or at once when it already is.
 *
 * Not on a touch screen (`(pointer: coarse)`): focusing a field there opens the on-screen keyboard,
 * which would cover the conversation one came to read. A tablet with a keyboard attached but a
 * finger as its primary pointer counts as touch too; its keyboard still reaches the composer by Tab.
 * No React here: the request outlives the component that made it (a dialog closes as it asks).
 */

/** How long a request waits for its composer (a slow navigation still lands; a stale one does not). */
export const COMPOSER_FOCUS_WAIT_MS = 10_000;

let pending: { conversationId: string; at: number } | null = null;
const waiting = new Map<string, () => void>();

/** Whether this device's primary pointer is a finger: no composer focus on open. */
export function touchFirst(): boolean {
  return typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;
}

/** Asks for the composer of `conversationId` to take the focus (nothing on a touch screen). */
export function requestComposerFocus(conversationId: string): void {
  if (touchFirst()) return;
  const focusNow = waiting.get(conversationId);
  if (focusNow) {
    pending = null;
    focusNow();
  } else {
    pending = { conversationId, at: Date.now() };
  }
}

/**
 * For the composer of `conversationId` while it is on screen: `focus` runs now if a request came
 * for it within COMPOSER_FOCUS_WAIT_MS, and on each later request. Returns the unsubscribe.
 */
export function onComposerFocusRequest(conversationId: string, focus: () => void): () => void {
  waiting.set(conversationId, focus);
  if (pending?.conversationId === conversationId) {
    const fresh = Date.now() - pending.at <= COMPOSER_FOCUS_WAIT_MS;
    pending = null;
    if (fresh) focus();
  }
  return () => {
    if (waiting.get(conversationId) === focus) waiting.delete(conversationId);
  };
}
