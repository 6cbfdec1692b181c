/**
 * The chat client without React: one socket for the signed-in page, the store every event goes
 * into, catch-up, the outbox, and the actions the UI calls. Its dependencies are passed in (the
 * socket factory, the REST api, navigation), so tests drive it with a fake or a real socket.
 */
import type { ConversationView } from "@/lib/conversations/types";
import type { ChatActions } from "./actions";
import { chatApi, type ChatApi } from "./api";
import { watchConnection } from "./connection";
import { conversationActions } from "./conversation-actions";
import type { ChatCore, ChatNavigation } from "./core";
import { browserStorage, type DraftStorage } from "./draft-storage";
import { createDrafts } from "./drafts";
import { wireEvents } from "./events";
import { watchGaps } from "./gap-sync";
import { messageActions } from "./message-actions";
import { Outbox } from "./outbox";
import { createPeopleLookup } from "./people-lookup";
import { watchRecounts } from "./recounts";
import { signalActions } from "./signals";
import type { ChatSocket, ConnectSocket } from "./socket";
import type { ChatState } from "./state";
import { createChatStore } from "./store";
import { createCatchUp } from "./sync";
import { timelineActions } from "./timeline-actions";
import { jumpActions } from "./jump-actions";

/** Between attempts to load the socket's code when loading it failed. */
const CONNECT_RETRY_MS = 2_000;

export interface ChatClientOptions {
  meId: string;
  /** Opens the socket, at once or once its code has loaded; called on every start(). */
  connect: ConnectSocket;
  navigation: ChatNavigation;
  /** Default: the app's REST api (./api.ts). */
  api?: ChatApi;
  /** The list the page was rendered with: in the store from the start instead of being fetched (it is fetched again on every connect anyway). */
  initialConversations?: ConversationView[];
  /** Where drafts are kept on this device. Default: window.localStorage when the page may use it; null: only while the page lives. */
  storage?: DraftStorage | null;
}

export interface ChatClient {
  getState(): ChatState;
  /** Calls `listener` after every state change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  actions: ChatActions;
  /** Opens the socket and starts following it; again after stop() (React's strict mode does that). */
  start(): void;
  /** Closes the socket and stops every timer; the state stays. */
  stop(): void;
}

/** A stopped client; nothing happens until start(). */
export function createChatClient({ meId, connect, navigation, api = chatApi, initialConversations, storage = browserStorage() }: ChatClientOptions): ChatClient {
  const store = createChatStore(meId);
  // at once, not on start(): the server renders the page from it, and hydration must see the same
  if (initialConversations) store.dispatch({ type: "list:loaded", conversations: initialConversations, since: 0 });
  const drafts = createDrafts({ store, storage });
  let socket: ChatSocket | null = null;
  let active: string | null = null;
  let stop: (() => void) | null = null;
  const core: ChatCore = { store, api, navigation, connected: () => (socket?.connected ? socket : null) };
  const catchUp = createCatchUp(core);
  const outbox = new Outbox({ getState: store.getState, dispatch: store.dispatch, getSocket: () => socket });
  const people = createPeopleLookup(core);
  const messages = messageActions(core, outbox);

  const actions: ChatActions = {
    refreshList: catchUp.refreshList,
    ...timelineActions(core),
    ...conversationActions(core),
    ...messages,
    send(conversationId, body, replyTo, attachments) {
      drafts.clear(conversationId);
      // what one sends shows at the live end: back there from an older stretch
      store.dispatch({ type: "window:close", conversationId });
      messages.send(conversationId, body, replyTo, attachments);
    },
    ...jumpActions(core),
    ...signalActions(core),
    ...drafts.actions,
    setActive(conversationId) {
      active = conversationId;
      drafts.flush();
    },
    lookupPeople: people.lookup,
  };

  /** Follows an open socket; returns what stops following it and closes it. */
  function follow(s: ChatSocket): () => void {
    socket = s;
    const stops = [
      watchConnection(s, core, () => {
        void catchUp.fromCursors(s);
        outbox.resume();
      }),
      wireEvents(s, core, { active: () => active, resync: () => void catchUp.fromCursors(s) }),
    ];
    return () => {
      for (const f of stops) f();
      s.removeAllListeners();
      s.io.removeAllListeners();
      s.disconnect();
      socket = null;
    };
  }

  function start(): void {
    if (stop) return;
    if (!initialConversations) void catchUp.refreshList();
    let stopped = false;
    let unfollow: (() => void) | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const retry = (): void => {
      // the socket's code did not load (offline while the page opened): say so, and try again
      store.dispatch({ type: "connection", connection: "reconnecting" });
      retryTimer = setTimeout(open, CONNECT_RETRY_MS);
    };
    const open = (): void => {
      if (stopped) return;
      let opened: ReturnType<ConnectSocket>;
      try {
        opened = connect();
      } catch {
        return retry();
      }
      if (!(opened instanceof Promise)) {
        unfollow = follow(opened);
        return;
      }
      opened.then(
        (s) => {
          if (stopped) s.disconnect();
          else unfollow = follow(s);
        },
        () => {
          if (!stopped) retry();
        },
      );
    };
    open();
    const stops = [watchGaps(core, catchUp), watchRecounts(core), drafts.watchPageHide()];
    stop = () => {
      stopped = true;
      clearTimeout(retryTimer);
      unfollow?.();
      for (const f of stops) f();
      drafts.flush();
      outbox.dispose();
      people.dispose();
    };
  }

  return {
    getState: store.getState,
    subscribe: store.subscribe,
    actions,
    start,
    stop() {
      stop?.();
      stop = null;
    },
  };
}
