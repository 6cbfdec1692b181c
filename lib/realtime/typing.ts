/**
 * Typing indicators, coalesced per (user, conversation) in this process: however many `typing`
 * events a user's sockets send, the conversation hears at most one per TYPING_WINDOW_MS. The first
 * change is relayed at once; what arrives during the window only updates the latest state, which is
 * relayed when the window ends if it differs from what was last relayed (trailing), and that opens
 * the next window. A client repeats "typing" every 3 s and shows another's for 5 s, so a repeat
 * dropped inside a window is never missed. With several nodes each node coalesces its own sockets.
 */
import "server-only";
import { consume } from "../platform/rate-limit";
import { noSuchConversation } from "../conversations/access";
import { rooms } from "./contract";
import type { RealtimeServer } from "./registry";

export const TYPING_WINDOW_MS = 1000;

/** The socket that reported: its rooms say whether the user is still a member when the window ends. */
interface Reporter {
  connected: boolean;
  rooms: Set<string>;
}

interface TypingState {
  /** what the room was last told */
  relayed: boolean;
  /** the latest state reported during the open window, if any */
  latest?: boolean;
  reporter: Reporter;
  timer: NodeJS.Timeout;
}

const states = new Map<string, TypingState>();

/**
 * Takes a `typing` report of `userId` in `conversationId` from `socket` and relays it to the
 * conversation's other members' sockets (never the user's own), coalesced as described above.
 * Throws `rate_limited` past LIMITS.typing, `not_found` when the socket is not in that conversation
 * (its sockets are in a conversation's room exactly while the user is a member).
 */
export async function reportTyping(io: RealtimeServer, socket: Reporter, input: { userId: string; conversationId: string; typing: boolean }): Promise<void> {
  const { userId, conversationId, typing } = input;
  await consume("typing", userId);
  if (!socket.rooms.has(rooms.conversation(conversationId))) throw noSuchConversation();
  const key = `${userId}|${conversationId}`;
  const open = states.get(key);
  if (open) {
    open.latest = typing;
    open.reporter = socket;
    return;
  }
  relay(io, key, { userId, conversationId, typing }, socket);
}

function relay(io: RealtimeServer, key: string, payload: { userId: string; conversationId: string; typing: boolean }, reporter: Reporter): void {
  const room = rooms.conversation(payload.conversationId);
  io.to(room).except(rooms.user(payload.userId)).emit("typing", payload);
  const state: TypingState = {
    relayed: payload.typing,
    reporter,
    timer: setTimeout(() => {
      states.delete(key);
      const { latest } = state;
      // trailing: only a change; "typing" only while the reporting socket is still in the conversation
      if (latest === undefined || latest === state.relayed) return;
      if (latest && !(state.reporter.connected && state.reporter.rooms.has(room))) return;
      relay(io, key, { ...payload, typing: latest }, state.reporter);
    }, TYPING_WINDOW_MS),
  };
  state.timer.unref();
  states.set(key, state);
}
