"use client";

import { useEffect, type ReactNode } from "react";
import { rememberTimeZone } from "@/lib/platform/time-zone";
import type { ConversationView } from "@/lib/conversations/types";
import type { ChatNavigation } from "./client/core";
import { unreadTotal } from "./client/selectors";
import { openSocket, type ConnectSocket } from "./client/socket";
import { ReconnectBanner } from "./ReconnectBanner";
import { TitleSync } from "./TitleSync";
import { ChatContext, useChatSelector } from "./hooks/useChat";
import { useConnection } from "./hooks/useChatState";
import { useChatClient } from "./hooks/useChatClient";
import { useChatNavigation } from "./hooks/useChatNavigation";
import { RenderedClockContext, type RenderedClock } from "./hooks/useNow";

/** socket.io-client is loaded after the page is up: nothing on the first paint needs it (docs/chat-ui.md). */
const connectSocket: ConnectSocket = () => import("socket.io-client").then(({ io }) => openSocket({ io }));

interface ChatClientProviderProps {
  meId: string;
  /** The list as the page was rendered: taken at once on mount instead of being fetched. */
  initialConversations?: ConversationView[];
  navigation: ChatNavigation;
  /** Opens the realtime socket; default socket.io-client's `io`. Tests pass a fake. */
  connect?: ConnectSocket;
  /** The server's clock and the reader's zone the page was rendered with; times follow it while hydrating. */
  renderedClock?: RenderedClock;
  children: ReactNode;
}

/** The chat client (./client) for the subtree, with the connection banner and the unread count in the tab title. */
export function ChatClientProvider({ meId, initialConversations, navigation, connect = connectSocket, renderedClock, children }: ChatClientProviderProps) {
  const client = useChatClient({ meId, initialConversations, navigation, connect });
  // the next page the server renders shows times in this browser's zone
  useEffect(rememberTimeZone, []);
  return (
    <ChatContext.Provider value={client}>
      <RenderedClockContext.Provider value={renderedClock ?? null}>
        <Banners />
        {children}
      </RenderedClockContext.Provider>
    </ChatContext.Provider>
  );
}

/** The connection banner and the unread count in the tab title: the only parts that follow every change. */
function Banners() {
  const connection = useConnection();
  const unread = useChatSelector(unreadTotal);
  return (
    <>
      <ReconnectBanner connection={connection} />
      <TitleSync unread={unread} />
    </>
  );
}

/** The signed-in shell's chat: one socket, conversations, messages, the outbox; navigation by the app router. */
export function ChatProvider(props: Omit<ChatClientProviderProps, "navigation">) {
  return <ChatClientProvider {...props} navigation={useChatNavigation()} />;
}
