/**
 * Read receipts on the conversation screen (issue 13, item 8), driven by the server's `read` events
 * through a scripted socket: "Seen" in a direct conversation and "Seen by N" with the names in a
 * group, one receipt that moves as the others read, none for a message still on its way, none
 * counting oneself or a member who left. (The rule alone: read-receipts.test.ts; in Chromium with
 * two people: tests/e2e/receipts.test.ts.)
 */
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ConversationView } from "@/lib/conversations/types";
import { ConversationScreen } from "@/components/chat/conversation/ConversationScreen";
import { NAMES_SHOWN, ReadReceipt } from "@/components/chat/messages/ReadReceipt";
import { ADA, C1, ME, message } from "@/tests/support/chat-fixtures";
import { directWithAda, member, renderChat } from "@/tests/support/render-chat";

const BOB = "66666666-6666-4666-8666-666666666666";
const G1 = "55555555-5555-4555-8555-555555555555";

let listed: ConversationView[];
beforeEach(() => {
  global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ conversations: listed }) }) as Response) as typeof fetch;
});

async function flush() {
  for (let i = 0; i < 5; i++) await act(async () => {});
}

/** The message the receipt sits under (its element just before it), by body. */
function receiptUnder(): string | null | undefined {
  const receipts = screen.queryAllByTestId("read-receipt");
  expect(receipts.length).toBeLessThanOrEqual(1);
  return receipts[0]?.previousElementSibling?.querySelector("[data-testid=message-body]")?.textContent;
}

function group(): ConversationView {
  return {
    ...directWithAda(true),
    id: G1,
    kind: "group",
    title: "Team",
    members: [member(ME, "Me"), member(ADA, "Ada Lovelace"), member(BOB, "Bob Babbage")],
  };
}

async function open(conversation: ConversationView, messages = [message(1, { senderId: ME, conversationId: conversation.id }), message(2, { conversationId: conversation.id }), message(3, { senderId: ME, conversationId: conversation.id })]) {
  listed = [{ ...conversation, lastSeq: messages.length }];
  const { socket } = renderChat(<ConversationScreen conversationId={conversation.id} opening={{ conversation: listed[0], messages, hasMore: false }} />, listed, `/c/${conversation.id}`);
  await act(async () => socket.fire("connect"));
  await flush();
  return socket;
}

describe("read receipts on the conversation screen", () => {
  it('shows "Seen" under one\'s newest message the other read, moving live, never for a pending one or for oneself', async () => {
    const socket = await open(directWithAda(true));
    expect(receiptUnder()).toBeUndefined();

    // one's own read (this or another tab) is no receipt
    await act(async () => socket.fire("read", { conversationId: C1, userId: ME, seq: 3 }));
    expect(receiptUnder()).toBeUndefined();

    await act(async () => socket.fire("read", { conversationId: C1, userId: ADA, seq: 2 }));
    expect(receiptUnder()).toBe("body 1");
    expect(screen.getByTestId("read-receipt")).toHaveTextContent(/^Seen$/);

    await act(async () => socket.fire("read", { conversationId: C1, userId: ADA, seq: 3 }));
    expect(receiptUnder()).toBe("body 3");

    // a message on its way carries none, even once the other has read everything there is
    const input = screen.getByLabelText("Message");
    fireEvent.change(input, { target: { value: "still sending" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(screen.getByText("Sending…")).toBeInTheDocument();
    await act(async () => socket.fire("read", { conversationId: C1, userId: ADA, seq: 4 }));
    expect(receiptUnder()).toBe("body 3");

    // acknowledged (seq 4, which Ada has read): now it is the one
    const [send] = socket.sent("message:send");
    const { clientId } = send.payload as { clientId: string };
    await act(async () => send.ack!(null, { ok: true, message: message(4, { senderId: ME, clientId, body: "still sending" }) }));
    expect(receiptUnder()).toBe("still sending");
  });

  it('shows "Seen by N" in a group with the names on hover, keyboard focus and a tap; Escape closes them', async () => {
    const user = userEvent.setup();
    const socket = await open(group());
    await act(async () => socket.fire("read", { conversationId: G1, userId: BOB, seq: 3 }));
    expect(receiptUnder()).toBe("body 3");
    const button = within(screen.getByTestId("read-receipt")).getByRole("button", { name: "Seen by 1" });

    await act(async () => socket.fire("read", { conversationId: G1, userId: ADA, seq: 3 }));
    expect(button).toHaveAccessibleName("Seen by 2");
    expect(screen.queryByRole("tooltip")).not.toBeInTheDocument();

    // a mouse over it shows the names, each isolated on its own
    await user.hover(button);
    const tooltip = await screen.findByRole("tooltip");
    expect([...tooltip.querySelectorAll("li")].map((li) => li.innerHTML)).toEqual(["<bdi>Ada Lovelace</bdi>", "<bdi>Bob Babbage</bdi>"]);
    expect(button).toHaveAccessibleDescription(/^Ada Lovelace\s*Bob Babbage$/);
    await user.unhover(button);
    await waitFor(() => expect(screen.queryByRole("tooltip")).not.toBeInTheDocument());

    // from the keyboard: focus shows them, Escape closes them
    await user.tab();
    while (document.activeElement !== button) await user.tab();
    await screen.findByRole("tooltip");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("tooltip")).not.toBeInTheDocument());
    expect(button).toHaveFocus();

    // a press toggles them (a tap on a phone)
    await user.click(document.body);
    fireEvent.click(button);
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Ada Lovelace");
    expect(button).toHaveAttribute("aria-expanded", "true");
    fireEvent.click(button);
    await waitFor(() => expect(screen.queryByRole("tooltip")).not.toBeInTheDocument());

    // Bob leaves: the server's view of the group (with the positions it holds) no longer has him, nor does the count
    const members = [member(ME, "Me"), member(ADA, "Ada Lovelace", { lastReadSeq: 3 })];
    await act(async () => socket.fire("conversation:updated", { ...listed[0], members }));
    expect(within(screen.getByTestId("read-receipt")).getByRole("button")).toHaveAccessibleName("Seen by 1");
  });

  it("lists a big group's first names in member order and counts the rest", async () => {
    const readers = Array.from({ length: NAMES_SHOWN + 5 }, (_, i) => ({ id: `u${i}`, displayName: `Reader ${i + 1}` }));
    render(<ReadReceipt group readers={readers} />);
    fireEvent.click(screen.getByRole("button", { name: `Seen by ${NAMES_SHOWN + 5}` }));
    const tooltip = await screen.findByRole("tooltip");
    const names = within(tooltip).getAllByRole("listitem").map((li) => li.textContent);
    expect(names).toEqual(readers.slice(0, NAMES_SHOWN).map((r) => r.displayName));
    expect(tooltip).toHaveTextContent(/and 5 more$/);
  });
});
