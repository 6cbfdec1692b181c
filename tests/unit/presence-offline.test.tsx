/**
 * While this page is offline nobody's presence is known (issue 13, item 12): the conversation
 * header, the sidebar rows, a group's member list and the header's online count show no stale
 * "online" (one's own dot turns grey: others now see one offline); once connected again, presence
 * shows again, as the fresh list says.
 */
import { act, screen, within } from "@testing-library/react";
import type { ConversationView } from "@/lib/conversations/types";
import { ConversationScreen } from "@/components/chat/conversation/ConversationScreen";
import { GroupSettings } from "@/components/chat/conversation/GroupSettings";
import { ConversationList } from "@/components/chat/sidebar/ConversationList";
import { useConversation } from "@/components/chat/hooks/useChatState";
import { MeSummary } from "@/components/shell/MeSummary";
import { ADA, C1, ME } from "@/tests/support/chat-fixtures";
import { directWithAda, member, renderChat } from "@/tests/support/render-chat";

const BOB = "66666666-6666-4666-8666-666666666666";
const G1 = "55555555-5555-4555-8555-555555555555";
const ME_USER = { id: ME, username: "me", displayName: "Me", bio: "", avatar: null, createdAt: "2026-03-01T10:00:00.000Z" };

function group(adaOnline: boolean): ConversationView {
  return {
    ...directWithAda(adaOnline),
    id: G1,
    kind: "group",
    title: "Team",
    role: "owner",
    members: [member(ME, "Me", { role: "owner", online: true }), member(ADA, "Ada", { online: adaOnline }), member(BOB, "Bob")],
  };
}

/** The group's settings as the conversation screen opens them: from the store, so they follow it. */
function Settings() {
  const c = useConversation(G1);
  return c ? <GroupSettings conversation={c} onClose={() => {}} /> : null;
}

/** What the server's list says on the next fetch (each reconnect fetches it). */
let listed: ConversationView[];
beforeEach(() => {
  global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ conversations: listed }) }) as Response) as typeof fetch;
});

async function flush() {
  for (let i = 0; i < 5; i++) await act(async () => {});
}

/** Every presence dot on the page, in document order ("online" / "offline"). */
const dots = () => [...document.querySelectorAll("[data-presence]")].map((d) => d.getAttribute("data-presence"));

describe("presence while offline", () => {
  it("shows nobody online in the header, the sidebar and a group's members, and comes back once connected", async () => {
    listed = [directWithAda(true), group(true)];
    const { socket } = renderChat(
      <>
        <MeSummary user={ME_USER} />
        <ConversationList />
        <ConversationScreen conversationId={C1} opening={{ conversation: listed[0], messages: [], hasMore: false }} />
        <Settings />
      </>,
      listed,
      `/c/${C1}`,
    );
    await act(async () => socket.fire("connect"));
    await flush();
    const status = screen.getByTestId("conversation-status");
    const members = screen.getByRole("list", { name: "Members" });
    // me, Ada's sidebar row, Ada in the header; in the group: me, Ada, Bob
    expect(dots()).toEqual(["online", "online", "online", "online", "online", "offline"]);
    expect(status).toHaveTextContent(/^@ada · online$/);
    expect(within(members).getByText(/@ada/)).toHaveTextContent("@ada · online");
    expect(screen.getByText(", online")).toBeInTheDocument(); // the sidebar row, for screen readers

    await act(async () => socket.fire("disconnect", "transport close"));
    expect(dots()).toEqual(["offline"]); // one's own: this page is not connected
    expect(status).toHaveTextContent(/^@ada$/);
    expect(within(members).getByText(/@ada/)).toHaveTextContent(/^@ada$/);
    expect(screen.queryByText(/, (online|offline)$/)).not.toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/online/i);

    // back: the fresh list says Ada left meanwhile
    listed = [directWithAda(false), group(false)];
    await act(async () => socket.fire("connect"));
    await flush();
    expect(status).toHaveTextContent(/^@ada · offline$/);
    expect(dots()).toEqual(["online", "offline", "offline", "online", "offline", "offline"]);
  });

  it("drops the group header's online count while offline", async () => {
    listed = [group(true)];
    const { socket } = renderChat(<ConversationScreen conversationId={G1} opening={{ conversation: listed[0], messages: [], hasMore: false }} />, listed, `/c/${G1}`);
    await act(async () => socket.fire("connect"));
    await flush();
    const status = screen.getByTestId("conversation-status");
    expect(status).toHaveTextContent(/^3 members, 1 online$/);
    await act(async () => socket.fire("disconnect", "transport close"));
    expect(status).toHaveTextContent(/^3 members$/);
  });
});
