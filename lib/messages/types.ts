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
