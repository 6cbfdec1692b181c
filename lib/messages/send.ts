/** Sending: rate-limited, then handed to the process's one group-commit writer (writer.ts). */
import "server-only";
import { consume } from "../platform/rate-limit";
import { singleton } from "../platform/singleton";
import { MessageWriter, type SendInput, type SendResult } from "./writer";

export type { SendInput, SendResult } from "./writer";

// One writer per process, whichever module graph sends (server.ts's sockets, Next's route handlers).
const writer = () => singleton("message-writer", () => new MessageWriter());

/** For graceful shutdown: waits for in-flight sends to commit and be acknowledged. */
export function messagesSettled(): Promise<void> {
  return writer().idle();
}

/**
 * Stores a message (or answers a retry of the same clientId with the stored one) once its batch
 * commits; `message.created` is published first. Throws `rate_limited` past LIMITS.send (counted per
 * sender over sockets and HTTP together), `not_found` when the sender is not a member (when the batch
 * commits), `forbidden` when the other member of a direct conversation deleted the account,
 * `unauthorized` when the sender's account was deleted meanwhile.
 */
export async function sendMessage(input: SendInput): Promise<SendResult> {
  await consume("send", input.senderId);
  return writer().send(input);
}
