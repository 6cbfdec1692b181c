/**
 * "Open this conversation at that message": a search hit asks for a message of a conversation that
 * may not be open yet, and its conversation screen jumps there (loading history `around` it) once
 * its timeline is ready, or at once when it already is. Like ./composer-focus.ts, no React: the
 * request outlives the dialog that made it.
 */

/** How long a request waits for its conversation to be ready (a slow navigation still lands; a stale one does not). */
export const JUMP_WAIT_MS = 15_000;

type Jump = (seq: number, messageId: string) => void;
let pending: { conversationId: string; seq: number; messageId: string; at: number } | null = null;
const waiting = new Map<string, Jump>();

/** Asks for `messageId` (at position `seq`) of `conversationId` to be shown and highlighted. */
export function requestJump(conversationId: string, seq: number, messageId: string): void {
  const jumpNow = waiting.get(conversationId);
  if (jumpNow) {
    pending = null;
    jumpNow(seq, messageId);
  } else {
    pending = { conversationId, seq, messageId, at: Date.now() };
  }
}

/**
 * For the screen of `conversationId` once its timeline is ready: `jump` runs now if a request came
 * for it within JUMP_WAIT_MS, and on each later request. Returns the unsubscribe.
 */
export function onJumpRequest(conversationId: string, jump: Jump): () => void {
  waiting.set(conversationId, jump);
  if (pending?.conversationId === conversationId) {
    const { seq, messageId, at } = pending;
    pending = null;
    if (Date.now() - at <= JUMP_WAIT_MS) jump(seq, messageId);
  }
  return () => {
    if (waiting.get(conversationId) === jump) waiting.delete(conversationId);
  };
}
