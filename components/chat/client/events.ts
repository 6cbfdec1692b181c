/** The server's live events, each into the store as one action (docs/protocol.md lists them). */
import { notifyMessage } from "./desktop-notifications";
import type { ChatCore } from "./core";
import type { ChatSocket } from "./socket";

/** How long another member's typing signal shows without a fresh one. */
const TYPING_SHOWN_MS = 5_000;
/** How often expired typing signals are dropped. */
const TYPING_EXPIRY_EVERY_MS = 1_000;
/** A resync is asked at a random moment within this, so a node's clients don't all ask at once. */
const RESYNC_SPREAD_MS = 2_000;

export interface EventHooks {
  /** The conversation on screen, if any (its removal leaves the page). */
  active(): string | null;
  /** Catches up as after a reconnect (the server asked for a resync). */
  resync(): void;
}

/** Wires `socket`'s events into the store; returns the function that stops the timers it set. */
export function wireEvents(socket: ChatSocket, { store, navigation }: Pick<ChatCore, "store" | "navigation">, hooks: EventHooks): () => void {
  const { dispatch } = store;
  socket.on("message:new", (m) => {
    const before = store.getState();
    dispatch({ type: "messages", messages: [m] });
    notifyMessage(m, before, (id) => navigation.push(`/c/${id}`));
  });
  socket.on("message:updated", (m) => dispatch({ type: "messages", messages: [m] }));
  socket.on("conversation:new", (conversation) => dispatch({ type: "conversation:upsert", conversation }));
  socket.on("conversation:updated", (conversation) => dispatch({ type: "conversation:upsert", conversation }));
  socket.on("conversation:removed", (p) => {
    const { conversationId } = p;
    dispatch({ type: "conversation:remove", conversationId, removedBy: p.reason === "removed" ? p.by : undefined });
    // one who left goes back to the list; one removed stays, to read why (./departures.ts)
    if (hooks.active() === conversationId && p.reason !== "removed") navigation.replace("/");
  });
  socket.on("read", (p) => dispatch({ type: "read", ...p }));
  socket.on("typing", (p) => dispatch({ type: "typing", ...p, until: Date.now() + TYPING_SHOWN_MS }));
  socket.on("presence", (p) => dispatch({ type: "presence", ...p }));
  socket.on("user:updated", (user) => dispatch({ type: "user:updated", user }));
  // The server missed other nodes' broadcasts for a while (Redis was down): catch up as after a reconnect.
  let resyncTimer: ReturnType<typeof setTimeout> | undefined;
  socket.on("resync", () => {
    clearTimeout(resyncTimer);
    resyncTimer = setTimeout(hooks.resync, Math.random() * RESYNC_SPREAD_MS);
  });

  const expiry = setInterval(() => dispatch({ type: "typing:expire", now: Date.now() }), TYPING_EXPIRY_EVERY_MS);
  return () => {
    clearInterval(expiry);
    clearTimeout(resyncTimer);
  };
}
