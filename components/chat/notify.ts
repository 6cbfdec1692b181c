/** Desktop notifications: only for others' messages, only while the tab is hidden, only when allowed. */
import type { MessageView } from "@/lib/realtime/events";
import { isolate } from "@/lib/text";
import { conversationTitle } from "./names";
import type { ChatState } from "./store";

function preview(m: MessageView): string {
  return m.deletedAt ? "message deleted" : m.body.length > 140 ? `${m.body.slice(0, 140)}…` : m.body;
}

export function notifyMessage(m: MessageView, state: ChatState, open: (conversationId: string) => void): void {
  if (m.senderId === state.meId || typeof Notification === "undefined" || Notification.permission !== "granted" || !document.hidden) return;
  const c = state.conversations[m.conversationId];
  const sender = c?.members.find((x) => x.id === m.senderId)?.displayName ?? "New message";
  const title = c && c.kind === "group" ? `${isolate(sender)} in ${isolate(conversationTitle(c, state.meId))}` : sender;
  try {
    const n = new Notification(title, { body: preview(m), tag: m.conversationId });
    n.onclick = () => {
      window.focus();
      open(m.conversationId);
      n.close();
    };
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}
