"use client";

import { createContext, useContext } from "react";
import type { ChatActions } from "../client/actions";
import type { ChatState } from "../client/state";

export interface ChatContextValue {
  state: ChatState;
  actions: ChatActions;
}

/** Filled by <ChatProvider>. */
export const ChatContext = createContext<ChatContextValue | null>(null);

/** The chat state and actions; throws outside <ChatProvider>. */
export function useChat(): ChatContextValue {
  const ctx = useContext(ChatContext);
  if (!ctx) throw new Error("useChat must be used inside <ChatProvider>");
  return ctx;
}

/** Optional access, for components that also render outside the signed-in shell. */
export function useOptionalChat(): ChatContextValue | null {
  return useContext(ChatContext);
}
