/** Sending (through the outbox), editing and deleting one's messages, and reacting, over the socket. */
import type { Ack } from "@/lib/realtime/contract";
import { expectedMentions } from "@/lib/messages/rules";
import { replyPreviewOf, type MessageView } from "@/lib/messages/types";
import type { ChatActions } from "./actions";
import type { ChatCore } from "./core";
import { ACK_TIMEOUT_MS, newClientId, type Outbox } from "./outbox";
import type { ChatSocket } from "./socket";
import type { OutgoingMessage } from "./state";

const OFFLINE = "You are offline. Try again when reconnected.";
const NO_ANSWER = "The server did not answer. Try again.";

/** The message actions of one client. */
export function messageActions({ store, connected }: Pick<ChatCore, "store" | "connected">, outbox: Outbox): Pick<ChatActions, "send" | "retry" | "discard" | "edit" | "remove" | "react" | "pin"> {
  const { dispatch } = store;

  /** Asks for one change of a message and applies the answer; null when done, else the reason to show. */
  async function change(ask: (socket: ChatSocket) => Promise<Ack<{ message: MessageView }>>): Promise<string | null> {
    const socket = connected();
    if (!socket) return OFFLINE;
    try {
      const res = await ask(socket);
      if (!res.ok) return res.error.message;
      dispatch({ type: "messages", messages: [res.message] });
      return null;
    } catch {
      return NO_ANSWER;
    }
  }

  return {
    send(conversationId, body, replyTo, attachments) {
      const state = store.getState();
      const original = replyTo ? state.timelines[conversationId]?.items.find((m) => m.id === replyTo) : undefined;
      const mentions = expectedMentions(body, state.conversations[conversationId]?.members ?? []);
      const message: OutgoingMessage = {
        clientId: newClientId(),
        conversationId,
        body,
        ...(replyTo ? { replyTo } : {}),
        ...(original ? { quote: replyPreviewOf(original) } : {}),
        ...(mentions.length ? { mentions } : {}),
        ...(attachments?.length ? { attachments } : {}),
        createdAt: new Date().toISOString(),
        status: "pending",
      };
      dispatch({ type: "outbox:add", message });
      outbox.start(message.clientId);
    },
    retry(clientId) {
      dispatch({ type: "outbox:status", clientId, status: "pending" });
      outbox.start(clientId);
    },
    discard(clientId) {
      outbox.forget(clientId);
      dispatch({ type: "outbox:remove", clientId });
    },
    edit: (messageId, body) => change((socket) => socket.timeout(ACK_TIMEOUT_MS * 2).emitWithAck("message:edit", { messageId, body })),
    pin: (messageId, pinned) => change((socket) => socket.timeout(ACK_TIMEOUT_MS * 2).emitWithAck("message:pin", { messageId, pinned })),
    remove: (messageId) => change((socket) => socket.timeout(ACK_TIMEOUT_MS * 2).emitWithAck("message:delete", { messageId })),
    react: (messageId, emoji, on) => change((socket) => socket.timeout(ACK_TIMEOUT_MS * 2).emitWithAck(on ? "reaction:add" : "reaction:remove", { messageId, emoji })),
  };
}
