"use client";

import { useEffect, useState } from "react";
import { createChatClient, type ChatClient, type ChatClientOptions } from "../client/client";

/** One chat client for the component's life (the options of the first render), running while it is mounted. */
export function useChatClient(options: ChatClientOptions): ChatClient {
  const [client] = useState(() => createChatClient(options));
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);
  return client;
}
