/** Turns a timeline into what the list shows: day separators, the unread divider, sender groups. */
import type { MessageView } from "@/lib/messages/types";
import { dayLabel, GROUP_WINDOW_MS, type TimeZone } from "./format";
import type { OutgoingMessage } from "../client/state";

export type Entry =
  | { kind: "sent"; message: MessageView }
  | { kind: "outgoing"; message: OutgoingMessage };

export type Row =
  | { kind: "day"; key: string; label: string }
  | { kind: "unread"; key: string }
  /** a group change (a `kind: "system"` message): a line of its own, never in a sender group */
  | { kind: "system"; key: string; message: MessageView }
  | { kind: "group"; key: string; senderId: string | null; own: boolean; entries: Entry[] };

function senderOf(e: Entry, meId: string): string | null {
  return e.kind === "outgoing" ? meId : e.message.senderId;
}

function keyOf(e: Entry): string {
  return e.kind === "sent" ? e.message.id : `out-${e.message.clientId}`;
}

export function buildRows(messages: MessageView[], outgoing: OutgoingMessage[], meId: string, firstUnreadId: string | null, now: Date, timeZone?: TimeZone): Row[] {
  const rows: Row[] = [];
  const entries: Entry[] = [...messages.map((message) => ({ kind: "sent" as const, message })), ...outgoing.map((message) => ({ kind: "outgoing" as const, message }))];
  let day = "";
  let group: Extract<Row, { kind: "group" }> | null = null;
  let lastTime = 0;
  for (const e of entries) {
    const at = e.message.createdAt;
    const label = dayLabel(at, now, timeZone);
    if (label !== day) {
      day = label;
      rows.push({ kind: "day", key: `day-${label}-${keyOf(e)}`, label });
      group = null;
    }
    if (e.kind === "sent" && e.message.id === firstUnreadId) {
      rows.push({ kind: "unread", key: "unread" });
      group = null;
    }
    if (e.kind === "sent" && e.message.kind === "system") {
      rows.push({ kind: "system", key: e.message.id, message: e.message });
      group = null;
      continue;
    }
    const sender = senderOf(e, meId);
    const time = new Date(at).getTime();
    if (!group || group.senderId !== sender || time - lastTime > GROUP_WINDOW_MS) {
      group = { kind: "group", key: `g-${keyOf(e)}`, senderId: sender, own: sender === meId, entries: [] };
      rows.push(group);
    }
    group.entries.push(e);
    lastTime = time;
  }
  return rows;
}
