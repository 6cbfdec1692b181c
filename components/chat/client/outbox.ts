/** Sending: every message is retried with its one clientId until acknowledged (the server stores it once). */
import type { ChatSocket } from "./socket";
import type { ChatAction, ChatState } from "./state";

/** How long one send waits for its acknowledgement before trying again (same clientId). */
export const ACK_TIMEOUT_MS = 4_000;
/** After this long without an acknowledgement a message shows as failed, with a retry. */
export const FAIL_AFTER_MS = 10_000;
const RETRY_PAUSE_MS = 500;
/**
 * Refusals worth trying again at once; any other fails the message with the server's words and a
 * Retry. `rate_limited` is one of those: the server has just said to wait ("You are sending too
 * fast. Try again in 3 s."), and sending again every half second would only keep the limit hit
 * while the message sat on "Sending…" with no word of why.
 */
const TRANSIENT = new Set(["unavailable", "internal"]);
export const NOT_SENT = "Not sent";

interface OutboxDeps {
  getState(): ChatState;
  dispatch(action: ChatAction): void;
  getSocket(): ChatSocket | null;
}

export class Outbox {
  private inflight = new Set<string>();
  private failTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private deps: OutboxDeps) {}

  /** Starts (or restarts, for Retry) the attempts for one queued message. */
  start(clientId: string): void {
    this.clearTimer(clientId);
    this.failTimers.set(
      clientId,
      setTimeout(() => {
        if (this.find(clientId)?.status === "pending") this.fail(clientId, NOT_SENT);
      }, FAIL_AFTER_MS),
    );
    this.attempt(clientId);
  }

  /** After a (re)connect: the pending messages again, and the failed ones that only timed out. */
  resume(): void {
    for (const o of this.deps.getState().outbox) {
      if (o.status === "failed" && o.error !== NOT_SENT) continue;
      if (o.status === "failed") this.deps.dispatch({ type: "outbox:status", clientId: o.clientId, status: "pending" });
      this.start(o.clientId);
    }
  }

  forget(clientId: string): void {
    this.clearTimer(clientId);
  }

  dispose(): void {
    for (const t of this.failTimers.values()) clearTimeout(t);
    this.failTimers.clear();
  }

  private find(clientId: string) {
    return this.deps.getState().outbox.find((x) => x.clientId === clientId);
  }

  private clearTimer(clientId: string): void {
    clearTimeout(this.failTimers.get(clientId));
    this.failTimers.delete(clientId);
  }

  private fail(clientId: string, error: string): void {
    this.clearTimer(clientId);
    this.deps.dispatch({ type: "outbox:status", clientId, status: "failed", error });
  }

  private attempt(clientId: string): void {
    const socket = this.deps.getSocket();
    const o = this.find(clientId);
    // while disconnected nothing is sent: resume() sends it on the next connect
    if (!o || !socket?.connected || this.inflight.has(clientId)) return;
    this.inflight.add(clientId);
    const payload = { conversationId: o.conversationId, clientId, body: o.body, ...(o.replyTo ? { replyTo: o.replyTo } : {}), ...(o.attachments?.length ? { attachmentIds: o.attachments.map((a) => a.id) } : {}) };
    socket.timeout(ACK_TIMEOUT_MS).emit("message:send", payload, (err, res) => {
      this.inflight.delete(clientId);
      if (!err && res.ok) {
        this.clearTimer(clientId);
        this.deps.dispatch({ type: "messages", messages: [res.message] });
        return;
      }
      if (this.find(clientId)?.status !== "pending") return;
      if (!err && !res.ok && !TRANSIENT.has(res.error.code)) {
        this.fail(clientId, res.error.message);
        return;
      }
      // no answer in time, or a passing server trouble: the same clientId again
      setTimeout(() => this.attempt(clientId), RETRY_PAUSE_MS);
    });
  }
}

/** A fresh client id; randomUUID needs a secure context, so fall back to getRandomValues. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
