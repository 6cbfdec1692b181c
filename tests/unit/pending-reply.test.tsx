/**
 * A reply waiting for its acknowledgement (offline, or on a slow network) shows the quote of its
 * original as the sent reply will, not a bare body (issue 13, item 2: "the reply shows a quote of the
 * original").
 */
import { render, screen } from "@testing-library/react";
import { OutgoingItem, type MessageHandlers } from "@/components/chat/messages/MessageItem";
import { replyPreviewOf } from "@/lib/messages/types";
import { C1, message } from "@/tests/support/chat-fixtures";

const handlers: MessageHandlers = { onRetry: () => {}, onDiscard: () => {}, onEdit: async () => null, onDelete: async () => null };
const pending = { clientId: "k-new", conversationId: C1, body: "an answer", createdAt: "2026-03-01T12:00:00.000Z", status: "pending" as const };

describe("a pending reply", () => {
  it("shows the quote of its original above its body", () => {
    const original = message(7, { body: "the question\nover two lines" });
    render(<OutgoingItem message={{ ...pending, replyTo: original.id, quote: replyPreviewOf(original) }} handlers={handlers} current={false} />);
    expect(screen.getByTestId("reply-quote")).toHaveTextContent("the question over two lines");
    expect(screen.getByTestId("message-body")).toHaveTextContent("an answer");
  });

  it("shows an original deleted before the reply was sent as deleted", () => {
    const original = message(7, { body: "", deletedAt: "2026-03-01T11:30:00.000Z" });
    render(<OutgoingItem message={{ ...pending, replyTo: original.id, quote: replyPreviewOf(original) }} handlers={handlers} current={false} />);
    expect(screen.getByTestId("reply-quote")).toHaveTextContent("Original message deleted");
  });

  it("shows no quote when it replies to nothing", () => {
    render(<OutgoingItem message={pending} handlers={handlers} current={false} />);
    expect(screen.queryByTestId("reply-quote")).toBeNull();
  });
});
