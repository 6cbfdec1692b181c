"use client";

import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { createChatClient, type ChatClientOptions } from "../client/client";
import type { ChatContextValue } from "./useChat";

/**
 * One chat client for the component's life (the options of the first render), running while it
 * is mounted, its state rendered through useSyncExternalStore.
 */
export function useChatClient(options: ChatClientOptions): ChatContextValue {
  const [client] = useState(() => createChatClient(options));
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);
  const state = useSyncExternalStore(client.subscribe, client.getState, client.getState);
  return useMemo(() => ({ state, actions: client.actions }), [state, client]);
}
