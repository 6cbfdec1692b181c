/** The Socket.IO protocol's typed maps, shared by the server and the browser client. See docs/protocol.md. */
import type { ErrorCode } from "../errors";

export type Ack<T extends object = object> =
  | ({ ok: true } & T)
  | { ok: false; error: { code: ErrorCode; message: string } };

export interface ServerToClientEvents {
  "session:revoked": (payload: { reason: "signed_out" | "deleted" | "password_changed" }) => void;
  presence: (payload: { userId: string; online: boolean }) => void;
}

export interface ClientToServerEvents {
  /** A cheap authenticated round trip; clients use it to check the connection. */
  ping: (ack: (res: Ack<{ userId: string }>) => void) => void;
}

export interface SocketData {
  userId: string;
  sessionId: string;
}

export const rooms = {
  user: (id: string) => `user:${id}`,
  session: (id: string) => `session:${id}`,
  conversation: (id: string) => `conversation:${id}`,
};
