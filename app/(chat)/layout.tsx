import type { ReactNode } from "react";
import { ChatProvider } from "@/components/chat/ChatProvider";
import { ConversationList } from "@/components/chat/ConversationList";
import { AppShell } from "@/components/shell/AppShell";
import { toPublicUser } from "@/lib/accounts";
import { requireSession } from "@/lib/current-user";

export const dynamic = "force-dynamic";

export default async function ChatLayout({ children }: { children: ReactNode }) {
  const { user } = await requireSession();
  return (
    <ChatProvider meId={user.id}>
      <AppShell user={toPublicUser(user)} sidebar={<ConversationList />}>
        {children}
      </AppShell>
    </ChatProvider>
  );
}
