/**
 * Timeline notes: a group change (rename, members added, a removal, a departure, a new owner) recorded
 * as a `kind: "system"` message (DESIGN.md, "Contract additions: Messages"), written inside the
 * transaction that makes the change, so the change and its note commit or roll back together.
 *
 * They live in the conversations domain, which makes the changes, rather than in messages, which
 * ranks above it (docs/architecture.md): a note takes positions with conversations/positions.ts
 * (the counter is `conversations.last_seq`) and is announced as `message.created`, the event every
 * client already handles, so it reaches the room live and `sync` carries it like any message.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { messageRowsById } from "@/db/message-rows";
import "../messages/events";
import { toMessageView, type MessageView, type SystemEvent } from "../messages/types";
import type { Emit, Tx } from "../platform/events";
import { takePositions } from "./positions";

/** One note to record: in which conversation, who did it (null: nobody, as for a succession), what happened. */
export interface Note {
  conversationId: string;
  senderId: string | null;
  event: SystemEvent;
}

/**
 * Stores `notes` (in the order given, each conversation's on consecutive positions) and queues a
 * `message.created` for each, in that order. The conversations must be locked by the caller
 * (lib/platform/locks.ts), as for any position; a sender must still exist when the note is written.
 */
export async function recordNotes(tx: Tx, emit: Emit, notes: Note[]): Promise<MessageView[]> {
  if (!notes.length) return [];
  const counts = new Map<string, number>();
  for (const n of notes) counts.set(n.conversationId, (counts.get(n.conversationId) ?? 0) + 1);
  const next = await takePositions(tx, counts);
  const rows = notes.map((n) => {
    const seq = next.get(n.conversationId)!;
    next.set(n.conversationId, seq + 1);
    return { id: randomUUID(), conversation_id: n.conversationId, seq, rev: seq, kind: "system", sender_id: n.senderId, client_id: randomUUID(), body: "", event: n.event };
  });
  await tx`
    insert into messages (id, conversation_id, seq, rev, kind, sender_id, client_id, body, event)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as v(id uuid, conversation_id uuid, seq bigint, rev bigint, kind text, sender_id uuid, client_id uuid, body text, event jsonb)`;
  const byId = new Map((await messageRowsById(tx, rows.map((r) => r.id))).map((row) => [row.id as string, toMessageView(row)]));
  const views = rows.map((r) => byId.get(r.id)!);
  for (const message of views) emit({ type: "message.created", message });
  return views;
}
