/** Merging messages into a run by id and rev. Pure. */
import type { MessageView } from "@/lib/messages/types";

/** Inserts or replaces messages by id, keeping seq order; an older revision never replaces a newer one. */
export function mergeMessages(items: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) return items;
  const byId = new Map(items.map((m) => [m.id, m]));
  let changed = false;
  for (const m of incoming) {
    const old = byId.get(m.id);
    if (old && old.rev >= m.rev) continue;
    byId.set(m.id, m);
    changed = true;
  }
  if (!changed) return items;
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}
