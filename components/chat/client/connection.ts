/**
 * The socket's life: connected or reconnecting in the store, a refused handshake retried (rarely
 * when the server caps this user's sockets), a refused origin given up on, sign-in when the
 * session is unknown or ends.
 */
import type { ChatCore } from "./core";
import type { ChatSocket } from "./socket";

/** after connect_error "rate_limited" (the server's cap on one user's sockets) */
const RATE_LIMITED_RETRY_MS = 30_000;
/** after any other refusal by the server's middleware */
export const REFUSED_RETRY_MS = 2_000;
/** A revoked session's tab leaves after this long, so that its own sign-out navigation wins. */
const LEAVE_DELAY_MS = 1_000;

/**
 * Follows `socket`'s connection in the store and calls `onConnect` after each (re)connect.
 * Returns the function that stops the timers it set (the caller closes the socket).
 */
export function watchConnection(socket: ChatSocket, { store, navigation }: Pick<ChatCore, "store" | "navigation">, onConnect: () => void): () => void {
  const { dispatch } = store;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let leaveTimer: ReturnType<typeof setTimeout> | undefined;

  socket.on("connect", () => {
    dispatch({ type: "connection", connection: "connected" });
    onConnect();
  });
  socket.on("disconnect", () => dispatch({ type: "connection", connection: "reconnecting" }));
  socket.on("connect_error", (err) => {
    if (err.message === "unauthorized") {
      navigation.assign("/login");
      return;
    }
    if (err.message === "forbidden") {
      // The server refused this page's origin: every retry would be refused too. Stop, and say so.
      clearTimeout(retryTimer);
      socket.disconnect();
      dispatch({ type: "connection", connection: "refused" });
      return;
    }
    dispatch({ type: "connection", connection: "reconnecting" });
    // a refusal by the server's middleware is not retried by the client on its own; "rate_limited"
    // (too many open tabs) will not clear in seconds, so that one is retried rarely
    if (!socket.active) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => socket.connect(), err.message === "rate_limited" ? RATE_LIMITED_RETRY_MS : REFUSED_RETRY_MS);
    }
  });
  socket.io.on("reconnect_attempt", () => dispatch({ type: "connection", connection: "reconnecting" }));
  socket.on("session:revoked", ({ reason }) => {
    socket.disconnect();
    dispatch({ type: "connection", connection: "connected" });
    // when this tab signed out or deleted the account itself it is already on its way: let that navigation win
    leaveTimer = setTimeout(() => navigation.assign(reason === "deleted" ? "/login?deleted=1" : "/login"), LEAVE_DELAY_MS);
  });

  return () => {
    clearTimeout(retryTimer);
    clearTimeout(leaveTimer);
  };
}
