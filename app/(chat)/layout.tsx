import type { ReactNode } from "react";
import { ChatProvider } from "@/components/chat/ChatProvider";
import { ConversationList } from "@/components/chat/sidebar/ConversationList";
import { AppShell } from "@/components/shell/AppShell";
import { toPublicUser } from "@/lib/people/types";
import { listConversationViews } from "@/lib/conversations/store";
import { requireSession } from "@/lib/http/current-session";
import { readerClock } from "@/lib/http/time-zone";

export const dynamic = "force-dynamic";

export default async function ChatLayout({ children }: { children: ReactNode }) {
  const { user } = await requireSession();
  // sent with the page, so the list shows as soon as it is interactive, without a round trip
  const conversations = await listConversationViews({ userId: user.id });
  // times are rendered in the reader's zone as the page last told it, and hydrated the same way
  const renderedClock = await readerClock();
  return (
    <ChatProvider meId={user.id} initialConversations={conversations} renderedClock={renderedClock}>
      <AppShell user={toPublicUser(user)} sidebar={<ConversationList />}>
        {children}
      </AppShell>
    </ChatProvider>
  );
}
