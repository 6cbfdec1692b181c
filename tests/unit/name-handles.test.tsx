import { render, screen, within } from "@testing-library/react";
import { MessageList } from "@/components/chat/messages/MessageList";
import { PersonName } from "@/components/chat/PersonName";
import { PLAIN_TEXT, type MessageView } from "@/lib/messages/types";

const ME = "00000000-0000-4000-8000-000000000001";
const ADA = "00000000-0000-4000-8000-000000000002";
const ADA_X = "00000000-0000-4000-8000-000000000003";
const BOB = "00000000-0000-4000-8000-000000000004";
const NOW = new Date(2026, 2, 12, 12, 0, 0);

let seq = 0;
function msg(senderId: string, body: string): MessageView {
  seq += 1;
  const createdAt = new Date(NOW.getTime() - (60 - seq * 10) * 60_000).toISOString();
  return { ...PLAIN_TEXT, id: `m-${seq}`, conversationId: "c-1", seq, rev: seq, senderId, clientId: `c-${seq}`, body, createdAt, editedAt: null, deletedAt: null };
}

function renderConversation(people: Record<string, { id: string; username: string; displayName: string }>, messages: MessageView[]) {
  const noop = jest.fn(async () => null);
  render(
    <MessageList
      messages={messages}
      outgoing={[]}
      meId={ME}
      people={people}
      readSeqAtOpen={null}
      hasOlder={false}
      loadingOlder={false}
      now={NOW}
      onRetry={jest.fn()}
      onDiscard={jest.fn()}
      onEdit={noop}
      onDelete={noop}
      onLoadOlder={jest.fn()}
    />,
  );
}

beforeEach(() => {
  seq = 0;
});

describe("same-named members in a conversation", () => {
  it("shows @username beside each of two members named Ada, and none beside a unique name", () => {
    renderConversation(
      {
        [ME]: { id: ME, username: "me", displayName: "Me" },
        [ADA]: { id: ADA, username: "ada", displayName: "Ada" },
        [ADA_X]: { id: ADA_X, username: "ada_x", displayName: "Ada" },
        [BOB]: { id: BOB, username: "bob", displayName: "Bob" },
      },
      [msg(ADA, "the real one"), msg(ADA_X, "the other one"), msg(BOB, "just Bob")],
    );
    const names = screen.getAllByTestId("sender-name");
    expect(names.map((n) => n.textContent)).toEqual(["Ada @ada", "Ada @ada_x", "Bob"]);
    expect(within(names[1]).getByTestId("name-handle")).toHaveTextContent("@ada_x");
    expect(within(names[2]).queryByTestId("name-handle")).toBeNull();
    // the handle sits inside the name's bidi isolation, and the name has one of its own
    const handle = within(names[1]).getByTestId("name-handle");
    expect(handle.parentElement!.localName).toBe("bdi");
    expect(handle.previousElementSibling!.localName).toBe("bdi");
    expect(screen.getAllByTestId("message-group").map((g) => g.getAttribute("aria-label"))).toEqual(["Ada @ada", "Ada @ada_x", "Bob"]);
  });

  it("shows no handle when the names differ", () => {
    renderConversation(
      {
        [ADA]: { id: ADA, username: "ada", displayName: "Ada" },
        [ADA_X]: { id: ADA_X, username: "ada_x", displayName: "Ada X" },
      },
      [msg(ADA, "one"), msg(ADA_X, "two")],
    );
    expect(screen.getAllByTestId("sender-name").map((n) => n.textContent)).toEqual(["Ada", "Ada X"]);
    expect(screen.queryByTestId("name-handle")).toBeNull();
  });
});

describe("<PersonName>", () => {
  it("isolates a name on its own, so it cannot reorder the text after it", () => {
    const { container } = render(
      <p>
        <PersonName name={"\u202eevE"} /> is typing…
      </p>,
    );
    expect(container.querySelector("bdi")!.textContent).toBe("\u202eevE");
    expect(container.textContent).toBe("\u202eevE is typing…");
  });
});
