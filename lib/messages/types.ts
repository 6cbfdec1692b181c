/** Messages as every client sees them (browser-safe). */
/** A message as every client sees it. `seq`/`rev` are numbers, times ISO strings. */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  /** the position of its last change: seq when created, a new position on edit or delete */
  rev: number;
  /** null once the sender deleted their account ("Deleted user") */
  senderId: string | null;
  clientId: string;
  /** "" once deleted */
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** A messages row (Drizzle camelCase or raw snake_case) as the protocol's Message. */
export function toMessageView(row: Record<string, unknown>): MessageView {
  const get = (camel: string, snake: string) => (row[camel] !== undefined ? row[camel] : row[snake]);
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());
  const deletedAt = iso(get("deletedAt", "deleted_at"));
  return {
    id: String(row.id),
    conversationId: String(get("conversationId", "conversation_id")),
    seq: Number(row.seq),
    rev: Number(row.rev),
    senderId: (get("senderId", "sender_id") as string | null) ?? null,
    clientId: String(get("clientId", "client_id")),
    body: deletedAt ? "" : String(row.body),
    createdAt: iso(get("createdAt", "created_at"))!,
    editedAt: iso(get("editedAt", "edited_at")),
    deletedAt,
  };
}
