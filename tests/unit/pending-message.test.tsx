/**
 * A message waiting for its acknowledgement (offline, or on a slow network) shows what the sent
 * message will: a reply the quote of its original (issue 13, item 2: "the reply shows a quote of the
 * original"), and its @mentions highlighted (item 4: "mentions render highlighted").
 */
import { render, screen } from "@testing-library/react";
import { OutgoingItem, type MessageHandlers } from "@/components/chat/messages/MessageItem";
import { replyPreviewOf } from "@/lib/messages/types";
import { ADA, C1, conversationView, ME, member, message } from "@/tests/support/chat-fixtures";
import { renderChat } from "@/tests/support/render-chat";
import { expectedMentions } from "@/lib/messages/rules";

const handlers: MessageHandlers = { onRetry: () => {}, onDiscard: () => {}, onEdit: async () => null, onDelete: async () => null };
const pending = { clientId: "k-new", conversationId: C1, body: "an answer", createdAt: "2026-03-01T12:00:00.000Z", status: "pending" as const };

describe("a pending reply", () => {
  // the quote's code loads apart from the page's (MessageItem): it shows once that has arrived
  it("shows the quote of its original above its body", async () => {
    const original = message(7, { body: "the question\nover two lines" });
    render(<OutgoingItem message={{ ...pending, replyTo: original.id, quote: replyPreviewOf(original) }} handlers={handlers} current={false} />);
    expect(await screen.findByTestId("reply-quote")).toHaveTextContent("the question over two lines");
    expect(screen.getByTestId("message-body")).toHaveTextContent("an answer");
  });

  it("shows an original deleted before the reply was sent as deleted", async () => {
    const original = message(7, { body: "", deletedAt: "2026-03-01T11:30:00.000Z" });
    render(<OutgoingItem message={{ ...pending, replyTo: original.id, quote: replyPreviewOf(original) }} handlers={handlers} current={false} />);
    expect(await screen.findByTestId("reply-quote")).toHaveTextContent("Original message deleted");
  });

  it("names an original of files alone by its files", async () => {
    const file = (name: string) => ({ id: name, name, contentType: "image/png", size: 1, width: 1, height: 1, url: `/api/attachments/${name}`, thumbnailUrl: null });
    const one = message(7, { body: "", attachments: [file("plan.png")] });
    const { unmount } = render(<OutgoingItem message={{ ...pending, replyTo: one.id, quote: replyPreviewOf(one) }} handlers={handlers} current={false} />);
    expect(await screen.findByTestId("reply-quote")).toHaveTextContent("plan.png");
    unmount();
    const three = message(8, { body: "", attachments: [file("a.png"), file("b.png"), file("c.png")] });
    render(<OutgoingItem message={{ ...pending, replyTo: three.id, quote: replyPreviewOf(three) }} handlers={handlers} current={false} />);
    expect(await screen.findByTestId("reply-quote")).toHaveTextContent("3 files");
  });

  it("shows no quote when it replies to nothing", () => {
    render(<OutgoingItem message={pending} handlers={handlers} current={false} />);
    expect(screen.queryByTestId("reply-quote")).toBeNull();
  });
});

describe("a pending message with mentions", () => {
  it("highlights the members it names, as the sent message will", () => {
    const members = [member(ME, "Me", { online: true }), member(ADA, "Ada")];
    const body = "over to @ada, and @nobody";
    renderChat(<OutgoingItem message={{ ...pending, body, mentions: expectedMentions(body, members) }} handlers={handlers} current={false} />, [conversationView({ kind: "group", title: "Team", members })]);
    expect(screen.getAllByTestId("mention").map((m) => m.textContent)).toEqual(["@ada"]);
  });
});
