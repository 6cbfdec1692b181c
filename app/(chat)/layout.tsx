import Link from "next/link";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/AppShell";
import { ChatBubbleIcon, EmptyState } from "@/components/shell/EmptyState";
import { toPublicUser } from "@/lib/accounts";
import { requireSession } from "@/lib/current-user";

export const dynamic = "force-dynamic";

export default async function ChatLayout({ children }: { children: ReactNode }) {
  const { user } = await requireSession();
  const sidebar = (
    <EmptyState title="No conversations yet" icon={<ChatBubbleIcon />}>
      <p>
        Find someone in <Link href="/people">People</Link>. Conversations you start or are added to will appear here,
        newest first.
      </p>
    </EmptyState>
  );
  return (
    <AppShell user={toPublicUser(user)} sidebar={sidebar}>
      {children}
    </AppShell>
  );
}
