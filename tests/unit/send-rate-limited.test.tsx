/**
 * Hitting the send rate limit says so (issue 13, item 12). Before, `rate_limited` was retried every
 * half second, so the message sat on "Sending…" with no word of why for ten seconds, then said only
 * "Not sent". Now the message fails at once with the server's own words, is not sent again on its
 * own (that would only keep the limit hit), and Retry sends it with the same clientId.
 */
import { act, fireEvent, screen, within } from "@testing-library/react";
import { ConversationScreen } from "@/components/chat/conversation/ConversationScreen";
import { C1, ME, message } from "@/tests/support/chat-fixtures";
import { directWithAda, renderChat } from "@/tests/support/render-chat";

const LIMITED = "You are sending too fast. Try again in 3 s.";

beforeEach(() => {
  global.fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => ({ conversations: [directWithAda(true)] }) }) as Response) as typeof fetch;
  jest.useFakeTimers();
});
afterEach(() => jest.useRealTimers());

async function flush() {
  for (let i = 0; i < 5; i++) await act(async () => {});
}

describe("a send refused rate_limited", () => {
  it("fails at once with the server's message, is not resent on its own, and Retry sends it again", async () => {
    const dm = directWithAda(true);
    const { socket } = renderChat(<ConversationScreen conversationId={C1} opening={{ conversation: dm, messages: [], hasMore: false }} />, [dm], `/c/${C1}`);
    await act(async () => socket.fire("connect"));
    await flush();

    const input = screen.getByLabelText("Message");
    fireEvent.change(input, { target: { value: "one more" } });
    fireEvent.keyDown(input, { key: "Enter" });
    const [attempt] = socket.sent("message:send");
    const { clientId } = attempt.payload as { clientId: string };
    await act(async () => attempt.ack!(null, { ok: false, error: { code: "rate_limited", message: LIMITED } }));

    const sent = screen.getByTestId("message");
    expect(sent).toHaveAttribute("data-status", "failed");
    expect(within(sent).getByRole("alert")).toHaveTextContent(`Not sent: ${LIMITED}`);
    expect(within(sent).getByRole("alert").textContent).not.toContain("s..");
    expect(within(sent).getByRole("button", { name: "Retry" })).toBeInTheDocument();

    // nothing more goes out by itself, and the reason stays
    await act(async () => jest.advanceTimersByTime(15_000));
    expect(socket.sent("message:send")).toHaveLength(1);
    expect(within(sent).getByRole("alert")).toHaveTextContent(`Not sent: ${LIMITED}`);

    fireEvent.click(within(sent).getByRole("button", { name: "Retry" }));
    const attempts = socket.sent("message:send");
    expect(attempts).toHaveLength(2);
    expect((attempts[1].payload as { clientId: string }).clientId).toBe(clientId);
    expect(screen.getByTestId("message")).toHaveAttribute("data-status", "pending");
    await act(async () => attempts[1].ack!(null, { ok: true, message: message(1, { senderId: ME, clientId, body: "one more" }) }));
    expect(screen.getByTestId("message")).not.toHaveAttribute("data-status");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
