/** Desktop notifications: only for others' messages, only while the tab is hidden, only when allowed. */
import type { MessageView } from "@/lib/messages/types";
import { isolate } from "@/lib/platform/text";
import { truncate } from "@/lib/platform/text-length";
import { conversationTitle } from "./names";
import type { ChatState } from "./state";

/** How much of a message a notification shows, in code points. */
export const NOTIFICATION_PREVIEW = 140;

/** A notification's text: at most NOTIFICATION_PREVIEW code points, cut on a grapheme boundary. */
export function preview(m: Pick<MessageView, "body" | "deletedAt">): string {
  return m.deletedAt ? "message deleted" : truncate(m.body, NOTIFICATION_PREVIEW);
}

export function notifyMessage(m: MessageView, state: ChatState, open: (conversationId: string) => void): void {
  // a note about the group (kind "system") is not news to notify about
  if (m.senderId === state.meId || m.kind === "system" || typeof Notification === "undefined" || Notification.permission !== "granted" || !document.hidden) return;
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
