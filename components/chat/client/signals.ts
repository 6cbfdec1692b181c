/**
 * Read positions and typing signals: cheap to ask for on every render or keystroke, so throttled
 * here — a read goes to the server only when it moves past the server's position, a typing signal
 * at most every TYPING_EVERY_MS.
 */
import type { ChatActions } from "./actions";
import type { ChatCore } from "./core";

/** A "still typing" signal goes out at most this often per conversation. */
const TYPING_EVERY_MS = 3_000;

/** The read and typing actions of one client. */
export function signalActions({ store, connected }: Pick<ChatCore, "store" | "connected">): Pick<ChatActions, "markRead" | "typing"> {
  const typingSent = new Map<string, number>();
  const readSent = new Map<string, number>();
  return {
    markRead(conversationId) {
      const s = store.getState();
      const c = s.conversations[conversationId];
      const timeline = s.timelines[conversationId];
      if (!c || timeline?.status !== "ready" || !timeline.items.length) return;
      const seq = timeline.items[timeline.items.length - 1].seq;
      if (seq > c.lastReadSeq || c.unreadCount > 0 || c.unreadMentions > 0) store.dispatch({ type: "read", conversationId, userId: s.meId, seq: Math.max(seq, c.lastReadSeq), local: true });
      // the server's position for us (its `read` echo or a fetched view), not the local one that
      // one's own sends and the local read above move; ConversationScreen asks again once connected
      const stored = Math.max(c.members.find((m) => m.id === s.meId)?.lastReadSeq ?? 0, readSent.get(conversationId) ?? 0);
      const socket = connected();
      if (seq > stored && socket) {
        readSent.set(conversationId, seq);
        socket.emit("conversation:read", { conversationId, seq }, () => {});
      }
    },
    typing(conversationId, typing) {
      const socket = connected();
      if (!socket) return;
      const last = typingSent.get(conversationId);
      if (typing) {
        if (last !== undefined && Date.now() - last < TYPING_EVERY_MS) return;
        typingSent.set(conversationId, Date.now());
      } else {
        if (last === undefined) return;
        typingSent.delete(conversationId);
      }
      socket.emit("typing", { conversationId, typing }, () => {});
    },
  };
}
