import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MessageList } from "@/components/chat/messages/MessageList";
import type { OutgoingMessage } from "@/components/chat/client/state";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

const ME = "00000000-0000-4000-8000-000000000001";
const ADA = "00000000-0000-4000-8000-000000000002";
const BOB = "00000000-0000-4000-8000-000000000003";
const people = {
  [ME]: { id: ME, displayName: "Me Myself" },
  [ADA]: { id: ADA, displayName: "Ada Lovelace" },
  [BOB]: { id: BOB, displayName: "Bob Babbage" },
};
// local noon, so "today" and "yesterday" do not depend on the time zone the test runs in
const NOW = new Date(2026, 2, 12, 12, 0, 0);
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000).toISOString();

let seq = 0;
function msg(over: Partial<MessageView> & { senderId: string | null; createdAt: string }): MessageView {
  seq += 1;
  return { ...PLAIN_TEXT, id: `m-${seq}`, conversationId: "c-1", seq, rev: seq, clientId: `c-${seq}`, body: `message ${seq}`, editedAt: null, deletedAt: null, ...over };
}

function renderList(messages: MessageView[], extra: Partial<Parameters<typeof MessageList>[0]> = {}) {
  const handlers = {
    onRetry: jest.fn(),
    onDiscard: jest.fn(),
    onEdit: jest.fn(async () => null),
    onDelete: jest.fn(async () => null),
    onLoadOlder: jest.fn(),
  };
  render(
    <MessageList messages={messages} outgoing={[]} meId={ME} people={people} readSeqAtOpen={null} hasOlder={false} loadingOlder={false} now={NOW} {...handlers} {...extra} />,
  );
  return handlers;
}

beforeEach(() => {
  seq = 0;
});

describe("<MessageList>", () => {
  it("groups consecutive messages from one sender within five minutes, with the name once", () => {
    renderList([
      msg({ senderId: ADA, createdAt: minutes(-30), body: "first" }),
      msg({ senderId: ADA, createdAt: minutes(-28), body: "second" }),
      msg({ senderId: ADA, createdAt: minutes(-24), body: "third" }),
      msg({ senderId: BOB, createdAt: minutes(-23), body: "bob speaks" }),
      msg({ senderId: ADA, createdAt: minutes(-22), body: "ada again" }),
      msg({ senderId: ADA, createdAt: minutes(-10), body: "ada much later" }),
    ]);
    const groups = screen.getAllByTestId("message-group");
    expect(groups).toHaveLength(4);
    const bodies = groups.map((g) => within(g).getAllByTestId("message-body").map((b) => b.textContent));
    expect(bodies).toEqual([["first", "second", "third"], ["bob speaks"], ["ada again"], ["ada much later"]]);
    expect(groups.map((g) => within(g).getAllByTestId("sender-name").map((n) => n.textContent))).toEqual([
      ["Ada Lovelace"],
      ["Bob Babbage"],
      ["Ada Lovelace"],
      ["Ada Lovelace"],
    ]);
  });

  it("separates days with Today, Yesterday and a date", () => {
    const twoDaysAgo = new Date(2026, 2, 10, 9, 30).toISOString();
    const yesterday = new Date(2026, 2, 11, 18, 0).toISOString();
    renderList([
      msg({ senderId: ADA, createdAt: twoDaysAgo }),
      msg({ senderId: ADA, createdAt: yesterday }),
      msg({ senderId: ADA, createdAt: minutes(-5) }),
    ]);
    expect(screen.getAllByTestId("day-separator").map((d) => d.textContent)).toEqual(["Tuesday, March 10", "Yesterday", "Today"]);
    // a new day starts a new group even from the same sender
    expect(screen.getAllByTestId("message-group")).toHaveLength(3);
  });

  it("shows deleted messages, edits and deleted senders for what they are", () => {
    renderList([
      msg({ senderId: ADA, createdAt: minutes(-9), body: "", deletedAt: minutes(-8) }),
      msg({ senderId: BOB, createdAt: minutes(-7), body: "fixed typo", editedAt: minutes(-6) }),
      msg({ senderId: null, createdAt: minutes(-5), body: "from beyond" }),
    ]);
    const [deleted, edited, ghost] = screen.getAllByTestId("message");
    expect(deleted).toHaveTextContent("message deleted");
    expect(within(deleted).queryByTestId("message-body")).not.toBeInTheDocument();
    expect(edited).toHaveTextContent("fixed typo (edited)");
    expect(deleted).not.toHaveTextContent("edited");
    const ghostGroup = screen.getAllByTestId("message-group")[2];
    expect(within(ghostGroup).getByTestId("sender-name")).toHaveTextContent("Deleted user");
    expect(ghost).toHaveTextContent("from beyond");
  });

  it("turns http(s) links into anchors that open safely in a new tab", () => {
    renderList([msg({ senderId: ADA, createdAt: minutes(-2), body: "read https://example.com/a?b=1&c=(2). then javascript:alert(1) or ftp://x.y" })]);
    const links = screen.getAllByRole("link");
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute("href", "https://example.com/a?b=1&c=(2)");
    expect(links[0]).toHaveAttribute("target", "_blank");
    expect(links[0]).toHaveAttribute("rel", "noopener noreferrer");
    expect(screen.getByTestId("message-body")).toHaveTextContent("read https://example.com/a?b=1&c=(2). then javascript:alert(1) or ftp://x.y");
  });

  it("shows script and HTML as the text that was typed", () => {
    const body = `<script>window.__pwned = 1</script><b>bold</b> <img src=x onerror="alert(1)"> <a href="javascript:alert(1)">x</a>`;
    renderList([msg({ senderId: ADA, createdAt: minutes(-1), body })]);
    const shown = screen.getByTestId("message-body");
    expect(shown.textContent).toBe(body);
    expect(shown.querySelector("script, b, img, a")).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("puts the new-messages divider before the first unread message from someone else", () => {
    renderList(
      [
        msg({ senderId: ADA, createdAt: minutes(-9), body: "seen" }),
        msg({ senderId: ME, createdAt: minutes(-8), body: "mine, after the read mark" }),
        msg({ senderId: ADA, createdAt: minutes(-7), body: "not seen yet" }),
        msg({ senderId: ADA, createdAt: minutes(-6), body: "nor this" }),
      ],
      { readSeqAtOpen: 1 },
    );
    const divider = screen.getByRole("separator", { name: "New messages" });
    const all = [...document.querySelectorAll("[data-testid=message-body], [data-unread-divider]")].map((n) => n.textContent);
    expect(all).toEqual(["seen", "mine, after the read mark", "New messages", "not seen yet", "nor this"]);
    expect(divider).toBeInTheDocument();
  });

  it("marks own messages and offers edit and delete only on them", async () => {
    const user = userEvent.setup();
    const handlers = renderList([msg({ senderId: ADA, createdAt: minutes(-3), body: "theirs" }), msg({ senderId: ME, createdAt: minutes(-2), body: "mine" })]);
    const [theirs, mine] = screen.getAllByTestId("message");
    expect(theirs).not.toHaveAttribute("data-own");
    expect(mine).toHaveAttribute("data-own");
    expect(within(theirs).queryByRole("button", { name: "Edit" })).not.toBeInTheDocument();

    await user.click(within(mine).getByRole("button", { name: "Edit" }));
    const box = within(mine).getByLabelText("Edit message");
    await user.clear(box);
    await user.type(box, "mine, better{Enter}");
    expect(handlers.onEdit).toHaveBeenCalledWith("m-2", "mine, better");

    await user.click(within(mine).getByRole("button", { name: "Delete" }));
    await user.click(within(screen.getByRole("group", { name: "Delete this message?" })).getByRole("button", { name: "Delete" }));
    expect(handlers.onDelete).toHaveBeenCalledWith("m-2");
  });

  it("offers older messages while there are more", async () => {
    const user = userEvent.setup();
    const handlers = renderList([msg({ senderId: ADA, createdAt: minutes(-3) })], { hasOlder: true });
    // (a view too short to scroll asks for older messages by itself once)
    const before = handlers.onLoadOlder.mock.calls.length;
    await user.click(screen.getByRole("button", { name: "Load older messages" }));
    expect(handlers.onLoadOlder).toHaveBeenCalledTimes(before + 1);
    expect(screen.queryByText("This is the beginning of the conversation.")).not.toBeInTheDocument();
  });
});

describe("pending and failed messages", () => {
  const outgoing = (status: OutgoingMessage["status"], body: string): OutgoingMessage => ({
    clientId: `client-${body}`,
    conversationId: "c-1",
    body,
    createdAt: minutes(-1),
    status,
  });

  it("shows a pending message as sending, and a failed one with retry and discard", async () => {
    const user = userEvent.setup();
    const handlers = renderList([], { outgoing: [outgoing("pending", "on its way"), outgoing("failed", "did not make it")] });
    const [pending, failed] = screen.getAllByTestId("message");
    expect(pending).toHaveAttribute("data-status", "pending");
    expect(pending).toHaveTextContent("on its waySending…");
    expect(within(pending).queryByRole("button")).not.toBeInTheDocument();

    expect(failed).toHaveAttribute("data-status", "failed");
    expect(within(failed).getByRole("alert")).toHaveTextContent("Not sent.");
    await user.click(within(failed).getByRole("button", { name: "Retry" }));
    expect(handlers.onRetry).toHaveBeenCalledWith("client-did not make it");
    await user.click(within(failed).getByRole("button", { name: "Discard" }));
    expect(handlers.onDiscard).toHaveBeenCalledWith("client-did not make it");
  });
});
