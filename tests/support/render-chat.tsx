/**
 * Chat components rendered as the app renders them: inside ChatClientProvider (a scripted socket as
 * its connection) and an app router that goes nowhere at `pathname`, for components that use
 * `next/link`, `useRouter` or `usePathname`. Nothing is mocked: all of them are passed in.
 */
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { AppRouterContext, type AppRouterInstance } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { PathnameContext } from "next/dist/shared/lib/hooks-client-context.shared-runtime";
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import { ChatClientProvider } from "@/components/chat/ChatProvider";
import { ADA, C1, ME } from "./chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "./scripted-socket";

/** A member entry (role "member", nothing read) with any field replaced by `over`. */
export function member(id: string, name: string, over: Partial<MemberView> = {}): MemberView {
  return { id, username: name.toLowerCase(), displayName: name, avatar: null, role: "member", lastReadSeq: 0, online: false, ...over };
}

/** The direct conversation C1 between ME and Ada (`adaOnline`), nothing in it yet. */
export function directWithAda(adaOnline: boolean): ConversationView {
  return {
    id: C1,
    kind: "direct",
    title: null,
    createdAt: "2026-03-01T10:00:00.000Z",
    lastSeq: 0,
    peerDeleted: false,
    members: [member(ME, "Me", { online: true }), member(ADA, "Ada", { online: adaOnline })],
    role: "member",
    lastReadSeq: 0,
    unreadCount: 0,
    unreadMentions: 0,
    notifications: "all",
    pinnedCount: 0,
    lastMessage: null,
  };
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
