/**
 * Group settings offer "Remove" exactly where the server allows it: the one rule
 * (lib/conversations/rules.ts removalRefusal) decides both. Before, an admin was offered "Remove" on
 * another admin and the server answered 403 (issue 12, item 3).
 */
import { render, screen } from "@testing-library/react";
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import type { Role } from "@/lib/conversations/rules";
import { ChatClientProvider } from "@/components/chat/ChatProvider";
import { GroupSettings } from "@/components/chat/conversation/GroupSettings";
import { groupConversation } from "@/tests/support/chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

const ME = "11111111-1111-4111-8111-111111111111";
const ROLES: Role[] = ["owner", "admin", "member"];

function member(id: string, name: string, role: Role): MemberView {
  return { id, username: name, displayName: name, avatar: null, role, lastReadSeq: 0, online: false };
}

/** A group where the caller has `mine` and one other person holds each role (two for the caller's own role, bar owner). */
function groupAs(mine: Role): ConversationView {
  const others = [
    member("22222222-2222-4222-8222-222222222222", "olive", mine === "owner" ? "admin" : "owner"),
    member("33333333-3333-4333-8333-333333333333", "adam", "admin"),
    member("44444444-4444-4444-8444-444444444444", "mia", "member"),
  ];
  return groupConversation([member(ME, "me", mine), ...others], mine);
}

/** What the server answers for removing each role (tests/domain/conversations.test.ts checks the server against the same table). */
const SERVER_ALLOWS: Record<Role, Role[]> = { owner: ["admin", "member"], admin: ["member"], member: [] };

describe("<GroupSettings> offers Remove only where the server allows it", () => {
  it.each(ROLES)("as %s", (mine) => {
    const conversation = groupAs(mine);
    const socket = new ScriptedSocket();
    render(
      <ChatClientProvider meId={ME} connect={() => socket.asSocket()} navigation={fakeNavigation()} initialConversations={[conversation]}>
        <GroupSettings conversation={conversation} onClose={() => {}} />
      </ChatClientProvider>,
    );
    const offered = screen.queryAllByRole("button", { name: /^Remove / }).map((b) => b.getAttribute("aria-label"));
    const expected = conversation.members
      .filter((m) => m.id !== ME && SERVER_ALLOWS[mine].includes(m.role))
      .map((m) => `Remove ${m.displayName} (@${m.username})`);
    expect(offered.sort()).toEqual(expected.sort());
  });
});
