"use client";

import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from "react";
import { io } from "socket.io-client";
import type { ConversationView } from "@/lib/conversations/types";
import type { OpeningView } from "@/lib/conversations/types";
import { chatApi } from "./api";
import { newClientId } from "./format";
import { notifyMessage } from "./notify";
import { ACK_TIMEOUT_MS, Outbox, type ChatSocket } from "./outbox";
import { chatReducer, initialChatState, syncPositions, type ChatState, type OutgoingMessage } from "./store";
import { usePeopleLookup } from "./usePeopleLookup";
import { useRecounts } from "./useRecounts";
import { ReconnectBanner } from "./ReconnectBanner";
import { TitleSync } from "./TitleSync";
import { useGapSync } from "./useGapSync";

const TYPING_EVERY_MS = 3_000;
const TYPING_SHOWN_MS = 5_000;
/** after connect_error "rate_limited" (the server's cap on one user's sockets) */
const RATE_LIMITED_RETRY_MS = 30_000;
const RESYNC_SPREAD_MS = 2_000;

export interface ChatActions {
  refreshList(): Promise<unknown>;
  loadThread(conversationId: string): Promise<void>;
  loadOlder(conversationId: string): Promise<void>;
  /** Adds the conversation (fetched on its own) when the list does not hold it; null when absent. */
  ensureConversation(conversationId: string): Promise<ConversationView | null>;
  /** Takes a conversation and its newest page that came with the page, unless newer ones are held. */
  prime(opening: OpeningView): void;
  send(conversationId: string, body: string): void;
  retry(clientId: string): void;
  discard(clientId: string): void;
  edit(messageId: string, body: string): Promise<string | null>;
  remove(messageId: string): Promise<string | null>;
  markRead(conversationId: string): void;
  typing(conversationId: string, typing: boolean): void;
  startDirect(userId: string): Promise<ConversationView>;
  createGroup(title: string, memberIds: string[]): Promise<ConversationView>;
  rename(conversationId: string, title: string): Promise<void>;
  addMembers(conversationId: string, userIds: string[]): Promise<void>;
  removeMember(conversationId: string, userId: string): Promise<void>;
  setActive(conversationId: string | null): void;
  getDraft(conversationId: string): string;
  setDraft(conversationId: string, text: string): void;
  /** Looks up the public profiles of these senders (batched, once per id per page) into `state.people`. */
  lookupPeople(userIds: string[]): void;
}

interface ChatContextValue {
  state: ChatState;
  actions: ChatActions;
}

const ChatContext = createContext<ChatContextValue | null>(null);

export function useChat(): ChatContextValue {
  const ctx = useContext(ChatContext);
  if (!ctx) throw new Error("useChat must be used inside <ChatProvider>");
  return ctx;
}

/** Optional access, for components that also render outside the signed-in shell. */
export function useOptionalChat(): ChatContextValue | null {
  return useContext(ChatContext);
}

/**
 * The realtime store: one socket for the signed-in shell, conversations, messages, the outbox.
 * `initialConversations` is the list as the page was rendered: taken at once on mount instead of
 * being fetched (it is fetched again on every socket connect anyway).
 */
export function ChatProvider({ meId, initialConversations, children }: { meId: string; initialConversations?: ConversationView[]; children: ReactNode }) {
  const [state, dispatch] = useReducer(chatReducer, meId, initialChatState);
  const stateRef = useRef(state);
  stateRef.current = state;
  // kept in a ref so that the socket's lifetime never depends on the router object's identity
  const routerRef = useRef(useRouter());
  const socketRef = useRef<ChatSocket | null>(null);
  const activeRef = useRef<string | null>(null);
  const drafts = useRef(new Map<string, string>());
  const [outbox] = useState(() => new Outbox({ getState: () => stateRef.current, dispatch, getSocket: () => socketRef.current }));
  const typingSent = useRef(new Map<string, number>());
  const readSent = useRef(new Map<string, number>());
  const lookupPeople = usePeopleLookup(dispatch);
  useRecounts(state.recount, dispatch);

  const refreshList = useCallback(async (): Promise<ConversationView[] | null> => {
    dispatch({ type: "list:loading" });
    try {
      const { conversations } = await chatApi.listConversations();
      dispatch({ type: "list:loaded", conversations });
      return conversations;
    } catch {
      dispatch({ type: "list:error" });
      return null;
    }
  }, []);

  /** Catch-up `sync` requests under way (a gap's catch-up waits for them). */
  const syncing = useRef(0);

  /**
   * Catches up from `from` (threads' cursors: syncPositions or gapPositions, store.ts), only for
   * conversations the fresh list still has (sync refuses others). Each answer goes to the store as
   * a "sync" action with the ends known when it was asked, which is what lets the cursors move.
   */
  const sync = useCallback(async (socket: ChatSocket, current: ConversationView[] | null, from: Record<string, number>) => {
    const only = (list: ConversationView[] | null, positions: Record<string, number>) => {
      const ids = list ? new Set(list.map((c) => c.id)) : null;
      return Object.fromEntries(Object.entries(positions).filter(([id]) => !ids || ids.has(id)));
    };
    let since = only(current, from);
    const conversations = stateRef.current.conversations;
    const ends = Object.fromEntries(Object.keys(since).map((id) => [id, conversations[id]?.lastSeq ?? 0]));
    let refetched = false;
    syncing.current += 1;
    try {
      // again while the server says there is more, from the highest rev each answer brought
      for (let round = 0; round < 100 && Object.keys(since).length > 0; round++) {
        let res;
        try {
          res = await socket.timeout(10_000).emitWithAck("sync", { since });
        } catch {
          return;
        }
        if (!res.ok && res.error.code === "not_found" && !refetched) {
          // removed from a conversation since the list was fetched: catch up on the others
          refetched = true;
          const fresh = await refreshList();
          if (!fresh) return;
          since = only(fresh, since);
          continue;
        }
        if (!res.ok) return;
        const asked = Object.fromEntries(Object.keys(since).map((id) => [id, ends[id] ?? 0]));
        dispatch({ type: "sync", messages: res.messages, hasMore: res.hasMore, ends: asked });
        if (!res.hasMore || res.messages.length === 0) return;
        since = { ...since };
        for (const m of res.messages) since[m.conversationId] = Math.max(since[m.conversationId] ?? 0, m.rev);
      }
    } finally {
      syncing.current -= 1;
    }
  }, [refreshList]);

  useGapSync(state, stateRef, syncing, (since) => (socketRef.current?.connected ? sync(socketRef.current, null, since) : Promise.resolve()));

  const initialList = useRef(initialConversations);
  useEffect(() => {
    if (initialList.current) dispatch({ type: "list:loaded", conversations: initialList.current });
    else void refreshList();
    // A connection closed before its handshake finished is only noticed by the connect timeout
    // (socket.io-client's Manager listens for "error", not "close", while opening): keep it short.
    const socket: ChatSocket = io({ path: "/socket.io", transports: ["websocket"], timeout: 5_000, reconnectionDelay: 500, reconnectionDelayMax: 5_000 });
    socketRef.current = socket;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    socket.on("connect", () => {
      dispatch({ type: "connection", connection: "connected" });
      // from the cursors, which nothing received out of order (the outbox's acks included) moves
      void refreshList().then((list) => sync(socket, list, syncPositions(stateRef.current)));
      outbox.resume();
    });
    socket.on("disconnect", () => dispatch({ type: "connection", connection: "reconnecting" }));
    socket.on("connect_error", (err) => {
      if (err.message === "unauthorized") {
        window.location.assign("/login");
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
        retryTimer = setTimeout(() => socket.connect(), err.message === "rate_limited" ? RATE_LIMITED_RETRY_MS : 2_000);
      }
    });
    socket.io.on("reconnect_attempt", () => dispatch({ type: "connection", connection: "reconnecting" }));

    socket.on("message:new", (m) => {
      dispatch({ type: "messages", messages: [m] });
      notifyMessage(m, stateRef.current, (id) => routerRef.current.push(`/c/${id}`));
    });
    socket.on("message:updated", (m) => dispatch({ type: "messages", messages: [m] }));
    socket.on("conversation:new", (conversation) => dispatch({ type: "conversation:upsert", conversation }));
    socket.on("conversation:updated", (conversation) => dispatch({ type: "conversation:upsert", conversation }));
    socket.on("conversation:removed", ({ conversationId }) => {
      dispatch({ type: "conversation:remove", conversationId });
      if (activeRef.current === conversationId) routerRef.current.replace("/");
    });
    socket.on("read", (p) => dispatch({ type: "read", ...p }));
    socket.on("typing", (p) => dispatch({ type: "typing", ...p, until: Date.now() + TYPING_SHOWN_MS }));
    socket.on("presence", (p) => dispatch({ type: "presence", ...p }));
    socket.on("user:updated", (user) => dispatch({ type: "user:updated", user }));
    // The server missed other nodes' broadcasts for a while (Redis was down): catch up as after a
    // reconnect, at a random moment within RESYNC_SPREAD_MS so a node's clients don't all ask at once.
    let resyncTimer: ReturnType<typeof setTimeout> | undefined;
    socket.on("resync", () => {
      clearTimeout(resyncTimer);
      resyncTimer = setTimeout(() => void refreshList().then((list) => sync(socket, list, syncPositions(stateRef.current))), Math.random() * RESYNC_SPREAD_MS);
    });
    let leaveTimer: ReturnType<typeof setTimeout> | undefined;
    socket.on("session:revoked", ({ reason }) => {
      socket.disconnect();
      dispatch({ type: "connection", connection: "connected" });
      // when this tab signed out or deleted the account itself it is already on its way: let that navigation win
      leaveTimer = setTimeout(() => window.location.assign(reason === "deleted" ? "/login?deleted=1" : "/login"), 1_000);
    });

    const expiry = setInterval(() => dispatch({ type: "typing:expire", now: Date.now() }), 1_000);
    return () => {
      clearInterval(expiry);
      clearTimeout(retryTimer);
      clearTimeout(leaveTimer);
      clearTimeout(resyncTimer);
      outbox.dispose();
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [refreshList, sync, outbox]);

  const actions = useMemo<ChatActions>(() => {
    const upsert = (conversation: ConversationView) => dispatch({ type: "conversation:upsert", conversation });
    return {
      refreshList,
      async loadThread(conversationId) {
        const held = stateRef.current.threads[conversationId];
        if (held && held.status !== "error") return;
        dispatch({ type: "thread:loading", conversationId });
        try {
          const { messages, hasMore } = await chatApi.messages(conversationId);
          dispatch({ type: "thread:loaded", conversationId, messages, hasMore });
        } catch {
          dispatch({ type: "thread:error", conversationId });
        }
      },
      async loadOlder(conversationId) {
        const thread = stateRef.current.threads[conversationId];
        if (!thread || thread.status !== "ready" || !thread.hasOlder || thread.loadingOlder || !thread.items.length) return;
        dispatch({ type: "thread:older-loading", conversationId, loading: true });
        try {
          const { messages, hasMore } = await chatApi.messages(conversationId, { before: thread.items[0].seq });
          dispatch({ type: "thread:older", conversationId, messages, hasMore });
        } catch {
          dispatch({ type: "thread:older-loading", conversationId, loading: false });
        }
      },
      prime({ conversation, messages, hasMore }) {
        if (!stateRef.current.conversations[conversation.id]) upsert(conversation);
        const held = stateRef.current.threads[conversation.id];
        if (!held || held.status === "error") dispatch({ type: "thread:loaded", conversationId: conversation.id, messages, hasMore });
      },
      async ensureConversation(conversationId) {
        const held = stateRef.current.conversations[conversationId];
        if (held) return held;
        try {
          const { conversation } = await chatApi.getConversation(conversationId);
          upsert(conversation);
          return conversation;
        } catch (err) {
          if ((err as { status?: number }).status === 404 || (err as { status?: number }).status === 400) return null;
          throw err;
        }
      },
      send(conversationId, body) {
        const message: OutgoingMessage = { clientId: newClientId(), conversationId, body, createdAt: new Date().toISOString(), status: "pending" };
        dispatch({ type: "outbox:add", message });
        stateRef.current = { ...stateRef.current, outbox: [...stateRef.current.outbox, message] };
        outbox.start(message.clientId);
      },
      retry(clientId) {
        dispatch({ type: "outbox:status", clientId, status: "pending" });
        stateRef.current = {
          ...stateRef.current,
          outbox: stateRef.current.outbox.map((o) => (o.clientId === clientId ? { ...o, status: "pending", error: undefined } : o)),
        };
        outbox.start(clientId);
      },
      discard(clientId) {
        outbox.forget(clientId);
        stateRef.current = { ...stateRef.current, outbox: stateRef.current.outbox.filter((o) => o.clientId !== clientId) };
        dispatch({ type: "outbox:remove", clientId });
      },
      async edit(messageId, body) {
        const socket = socketRef.current;
        if (!socket?.connected) return "You are offline. Try again when reconnected.";
        try {
          const res = await socket.timeout(ACK_TIMEOUT_MS * 2).emitWithAck("message:edit", { messageId, body });
          if (!res.ok) return res.error.message;
          dispatch({ type: "messages", messages: [res.message] });
          return null;
        } catch {
          return "The server did not answer. Try again.";
        }
      },
      async remove(messageId) {
        const socket = socketRef.current;
        if (!socket?.connected) return "You are offline. Try again when reconnected.";
        try {
          const res = await socket.timeout(ACK_TIMEOUT_MS * 2).emitWithAck("message:delete", { messageId });
          if (!res.ok) return res.error.message;
          dispatch({ type: "messages", messages: [res.message] });
          return null;
        } catch {
          return "The server did not answer. Try again.";
        }
      },
      markRead(conversationId) {
        const s = stateRef.current;
        const c = s.conversations[conversationId];
        const thread = s.threads[conversationId];
        if (!c || thread?.status !== "ready" || !thread.items.length) return;
        const seq = thread.items[thread.items.length - 1].seq;
        if (seq > c.lastReadSeq || c.unreadCount > 0) dispatch({ type: "read", conversationId, userId: s.meId, seq: Math.max(seq, c.lastReadSeq), local: true });
        // the server's position for us (its `read` echo or a fetched view), not the local one that
        // one's own sends and the local read above move; ConversationScreen asks again once connected
        const stored = Math.max(c.members.find((m) => m.id === s.meId)?.lastReadSeq ?? 0, readSent.current.get(conversationId) ?? 0);
        if (seq > stored && socketRef.current?.connected) {
          readSent.current.set(conversationId, seq);
          socketRef.current.emit("conversation:read", { conversationId, seq }, () => {});
        }
      },
      typing(conversationId, typing) {
        const socket = socketRef.current;
        if (!socket?.connected) return;
        const last = typingSent.current.get(conversationId);
        if (typing) {
          if (last !== undefined && Date.now() - last < TYPING_EVERY_MS) return;
          typingSent.current.set(conversationId, Date.now());
        } else {
          if (last === undefined) return;
          typingSent.current.delete(conversationId);
        }
        socket.emit("typing", { conversationId, typing }, () => {});
      },
      async startDirect(userId) {
        const { conversation } = await chatApi.startDirect(userId);
        upsert(conversation);
        return conversation;
      },
      async createGroup(title, memberIds) {
        const { conversation } = await chatApi.createGroup(title, memberIds);
        upsert(conversation);
        return conversation;
      },
      async rename(conversationId, title) {
        upsert((await chatApi.rename(conversationId, title)).conversation);
      },
      async addMembers(conversationId, userIds) {
        upsert((await chatApi.addMembers(conversationId, userIds)).conversation);
      },
      async removeMember(conversationId, userId) {
        await chatApi.removeMember(conversationId, userId);
        if (userId === stateRef.current.meId) {
          dispatch({ type: "conversation:remove", conversationId });
          routerRef.current.replace("/");
        } else {
          upsert((await chatApi.getConversation(conversationId)).conversation);
        }
      },
      setActive(conversationId) {
        activeRef.current = conversationId;
      },
      getDraft(conversationId) {
        return drafts.current.get(conversationId) ?? "";
      },
      setDraft(conversationId, text) {
        if (text) drafts.current.set(conversationId, text);
        else drafts.current.delete(conversationId);
      },
      lookupPeople,
    };
  }, [refreshList, outbox, lookupPeople]);

  const value = useMemo(() => ({ state, actions }), [state, actions]);
  const unread = Object.values(state.conversations).reduce((n, c) => n + c.unreadCount, 0);

  return (
    <ChatContext.Provider value={value}>
      <ReconnectBanner connection={state.connection} />
      <TitleSync unread={unread} />
      {children}
    </ChatContext.Provider>
  );
}
