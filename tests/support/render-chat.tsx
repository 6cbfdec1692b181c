/**
 * Chat components rendered as the app renders them: inside ChatClientProvider (a scripted socket as
 * its connection) and an app router that goes nowhere at `pathname`, for components that use
 * `next/link`, `useRouter` or `usePathname`. Nothing is mocked: all of them are passed in.
 */
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { AppRouterContext, type AppRouterInstance } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { PathnameContext } from "next/dist/shared/lib/hooks-client-context.shared-runtime";
import type { ConversationView } from "@/lib/conversations/types";
import { ChatClientProvider } from "@/components/chat/ChatProvider";
import { ADA, conversationView, ME, member } from "./chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "./scripted-socket";

export { member };

/** The direct conversation C1 between ME and Ada (`adaOnline`), nothing in it yet. */
export function directWithAda(adaOnline: boolean): ConversationView {
  return conversationView({ members: [member(ME, "Me", { online: true }), member(ADA, "Ada", { online: adaOnline })] });
}

/** Renders `ui` in the chat provider with `conversations` as the page's list; returns the socket to script. */
export function renderChat(ui: ReactNode, conversations: ConversationView[], pathname = "/"): { socket: ScriptedSocket } {
  const socket = new ScriptedSocket();
  const router = { push: jest.fn(), replace: jest.fn(), back: jest.fn(), forward: jest.fn(), refresh: jest.fn(), prefetch: jest.fn() };
  render(
    <AppRouterContext.Provider value={router as unknown as AppRouterInstance}>
      <PathnameContext.Provider value={pathname}>
        <ChatClientProvider meId={ME} connect={() => socket.asSocket()} navigation={fakeNavigation()} initialConversations={conversations}>
          {ui}
        </ChatClientProvider>
      </PathnameContext.Provider>
    </AppRouterContext.Provider>,
  );
  return { socket };
}
