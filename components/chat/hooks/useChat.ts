"use client";

import { createContext, useContext, useSyncExternalStore } from "react";
import type { ChatActions } from "../client/actions";
import type { ChatClient } from "../client/client";
import type { ChatState } from "../client/state";

/** Filled by <ChatProvider> with the page's one chat client (stable for its life). */
export const ChatContext = createContext<ChatClient | null>(null);

function useClient(): ChatClient {
  const client = useContext(ChatContext);
  if (!client) throw new Error("chat hooks must be used inside <ChatProvider>");
  return client;
}

/**
 * One slice of the chat state; the component renders again only when that slice changes (by
 * reference). `select` must return a part of the state, not a new object. `onServer`, when given,
 * is what the server rendered and hydration uses (a slice the server cannot know, like what this
 * device keeps), a stable value; the browser's own follows right after.
 */
export function useChatSelector<T>(select: (state: ChatState) => T, onServer?: () => T): T {
  const client = useClient();
  const read = () => select(client.getState());
  return useSyncExternalStore(client.subscribe, read, onServer ?? read);
}

/** What the UI may do; stable, so a component that only acts never renders again for state changes. */
export function useChatActions(): ChatActions {
  return useClient().actions;
}

/**
 * The whole state and the actions, for components that read much of it; renders on every change.
 * Prefer the hooks per concern (./useChatState.ts) or useChatSelector.
 */
export function useChat(): { state: ChatState; actions: ChatActions } {
  return { state: useChatSelector((s) => s), actions: useChatActions() };
}

/** Optional access to one slice, for components that also render outside the signed-in shell (null there). */
export function useOptionalChatSelector<T>(select: (state: ChatState) => T): T | null {
  const client = useContext(ChatContext);
  const read = () => (client ? select(client.getState()) : null);
  return useSyncExternalStore(client?.subscribe ?? noSubscription, read, read);
}

const noSubscription = () => () => {};
