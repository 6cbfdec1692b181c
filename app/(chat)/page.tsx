import { ChatBubbleIcon, EmptyState } from "@/components/shell/EmptyState";
import { requireSession } from "@/lib/http/current-session";

export default async function HomePage() {
  const { user } = await requireSession();
  return (
    <EmptyState title={`Welcome, ${user.displayName}`} icon={<ChatBubbleIcon />}>
      <p>Pick a conversation on the left. Messages arrive here the moment they are sent.</p>
    </EmptyState>
  );
}
