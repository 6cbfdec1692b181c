/**
 * Desktop notifications: only for others' messages, only while the tab is hidden, only when allowed
 * (the browser's permission and this device's choice, ./notification-preference.ts), and only as the
 * conversation's notification level says (`shouldNotify`).
 */
import type { MessageView } from "@/lib/messages/types";
import { filesLabel } from "@/lib/attachments/rules";
import { isolate } from "@/lib/platform/text";
import { truncate } from "@/lib/platform/text-length";
import { plainText } from "../messages/markup/plain";
import { mentionsMe } from "./mentions";
import { conversationTitle } from "./names";
import { desktopNotificationsWanted } from "./notification-preference";
import type { ChatState } from "./state";

/** How much of a message a notification shows, in code points. */
export const NOTIFICATION_PREVIEW = 140;

/**
 * A notification's text: the message without its formatting markers (markup/plain.ts), at most
 * NOTIFICATION_PREVIEW code points, cut on a grapheme boundary.
 */
export function preview(m: Pick<MessageView, "body" | "deletedAt" | "attachments">): string {
  if (m.deletedAt) return "message deleted";
  // a message of files alone: "plan.png", "3 files"
  if (m.body === "" && m.attachments.length) return truncate(filesLabel(m.attachments.map((a) => a.name)), NOTIFICATION_PREVIEW);
  return truncate(plainText(m.body), NOTIFICATION_PREVIEW);
}

/**
 * Whether a new message `m` deserves a notification by its conversation's level: "all" (the
 * default, also for a conversation not yet in the list) every message from someone else,
 * "mentions" only those that mention me or everyone, "none" nothing. Pure: the browser's
 * permission, visibility and this device's choice are checked by notifyMessage.
 */
export function shouldNotify(m: MessageView, state: Pick<ChatState, "meId" | "conversations">): boolean {
  // a note about the group (kind "system") is not news to notify about
  if (m.senderId === state.meId || m.kind === "system") return false;
  const level = state.conversations[m.conversationId]?.notifications ?? "all";
  if (level === "none") return false;
  return level === "all" || mentionsMe(m, state.meId);
}

export function notifyMessage(m: MessageView, state: ChatState, open: (conversationId: string) => void): void {
  if (!shouldNotify(m, state) || typeof Notification === "undefined" || Notification.permission !== "granted" || !document.hidden) return;
  if (!desktopNotificationsWanted()) return;
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
