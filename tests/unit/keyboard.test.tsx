/**
 * Key handling of the chat's components (issue 13, item 10; docs/chat-ui.md "Keyboard"), in jsdom
 * with user-event's keys: Escape closes the newest dialog (or a confirmation step first) wherever
 * the focus is, also after a pressed button vanished; the message list is one tab stop with ↑/↓,
 * Enter and Escape inside it; an edit box opened from the composer gives the focus back to it; Up
 * in the empty composer asks for the last message's edit. tests/e2e/keyboard.test.ts does the
 * same in Chromium.
 */
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { ChatClientProvider } from "@/components/chat/ChatProvider";
import { Dialog } from "@/components/chat/Dialog";
import { Composer } from "@/components/chat/conversation/Composer";
import { GroupSettings } from "@/components/chat/conversation/GroupSettings";
import { MessageList } from "@/components/chat/messages/MessageList";
import { DangerZone } from "@/components/settings/DangerZone";
import type { MessageView } from "@/lib/messages/types";
import { ADA, ME, message } from "@/tests/support/chat-fixtures";
import { groupConversation } from "@/tests/support/chat-fixtures";
import { member } from "@/tests/support/render-chat";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

/** A dialog with a button that disappears when pressed (as "Remove" or "Leave group…" do). */
function VanishingButtonDialog({ title, onClose }: { title: string; onClose(): void }) {
  const [shown, setShown] = useState(true);
  return (
    <Dialog title={title} onClose={onClose}>
      <input aria-label="Name" />
      {shown && (
        <button type="button" onClick={() => setShown(false)}>
          Vanish
        </button>
      )}
    </Dialog>
  );
}

describe("Escape and dialogs", () => {
  it("closes a dialog after a button inside it was pressed and vanished, focus back on the opener", async () => {
    const user = userEvent.setup();
    function Page() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button type="button" onClick={() => setOpen(true)}>
            Open
          </button>
          {open && <VanishingButtonDialog title="Settings" onClose={() => setOpen(false)} />}
        </>
      );
    }
    render(<Page />);
    await user.click(screen.getByRole("button", { name: "Open" }));
    expect(screen.getByLabelText("Name")).toHaveFocus();
    await user.click(screen.getByRole("button", { name: "Vanish" }));
    expect(screen.queryByRole("button", { name: "Vanish" })).not.toBeInTheDocument();
    // the lost focus is put back on the dialog, not left on the page's body
    expect(screen.getByRole("dialog")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Open" })).toHaveFocus();
  });

  it("closes a dialog whose focus is on the page's body", async () => {
    const user = userEvent.setup();
    const onClose = jest.fn();
    render(<VanishingButtonDialog title="Settings" onClose={onClose} />);
    act(() => (document.activeElement as HTMLElement).blur());
    expect(document.body).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("closes only the newest of two dialogs, then the other", async () => {
    const user = userEvent.setup();
    function Two() {
      const [open, setOpen] = useState({ first: true, second: true });
      return (
        <>
          {open.first && <VanishingButtonDialog title="First" onClose={() => setOpen((o) => ({ ...o, first: false }))} />}
          {open.second && <VanishingButtonDialog title="Second" onClose={() => setOpen((o) => ({ ...o, second: false }))} />}
        </>
      );
    }
    render(<Two />);
    expect(screen.getAllByRole("dialog")).toHaveLength(2);
    await user.keyboard("{Escape}");
    expect(screen.getAllByRole("dialog").map((d) => d.getAttribute("aria-labelledby") && d.textContent?.slice(0, 5))).toEqual(["First"]);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("leaves Escape to a field that uses it (an IME composing, a message's edit box)", async () => {
    const onClose = jest.fn();
    render(<VanishingButtonDialog title="Settings" onClose={onClose} />);
    const input = screen.getByLabelText("Name");
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, isComposing: true }));
    const taken = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    taken.preventDefault();
    input.dispatchEvent(taken);
    expect(onClose).not.toHaveBeenCalled();
  });

  it("in group settings, Escape first cancels the leave question, then closes the dialog", async () => {
    const user = userEvent.setup();
    const onClose = jest.fn();
    const conversation = groupConversation([member(ME, "Me", { role: "owner" }), member(ADA, "Ada")], "owner");
    const socket = new ScriptedSocket();
    render(
      <ChatClientProvider meId={ME} connect={() => socket.asSocket()} navigation={fakeNavigation()} initialConversations={[conversation]}>
        <GroupSettings conversation={conversation} onClose={onClose} />
      </ChatClientProvider>,
    );
    await user.click(screen.getByRole("button", { name: "Leave group…" }));
    expect(screen.getByRole("button", { name: "Stay" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("button", { name: "Stay" })).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Leave group…" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("cancels the account deletion step, focus back on its button", async () => {
    const user = userEvent.setup();
    render(<DangerZone action={async () => ({})} />);
    await user.click(screen.getByRole("button", { name: "Delete account…" }));
    expect(screen.getByLabelText("Your password")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByLabelText("Your password")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete account…" })).toHaveFocus();
  });
});

describe("the message list is one tab stop", () => {
  const mine = (seq: number, body: string) => message(seq, { senderId: ME, body });
  const timeline: MessageView[] = [mine(1, "first of mine"), message(2, { body: "https://example.com/a" }), mine(3, "second of mine"), mine(4, "newest of mine")];
  const people = { [ME]: { id: ME, displayName: "Me" }, [ADA]: { id: ADA, displayName: "Ada" } };

  function renderList(extra: Partial<Parameters<typeof MessageList>[0]> = {}) {
    const handlers = { onRetry: jest.fn(), onDiscard: jest.fn(), onEdit: jest.fn(async () => null), onDelete: jest.fn(async () => null), onLoadOlder: jest.fn(), onEscape: jest.fn() };
    const props = { messages: timeline, outgoing: [], meId: ME, people, readSeqAtOpen: null, hasOlder: false, loadingOlder: false, now: new Date(Date.UTC(2026, 2, 1, 12)), ...handlers };
    const view = render(
      <>
        <button type="button">Before</button>
        <MessageList {...props} {...extra} />
        <textarea aria-label="Message" />
      </>,
    );
    return { handlers, props, rerender: view.rerender };
  }
  const row = (body: string) => screen.getByText(body).closest<HTMLElement>("[data-testid=message]")!;

  it("Tab crosses it in one step: the newest message and its own buttons, nobody else's", async () => {
    const user = userEvent.setup();
    renderList();
    await user.click(screen.getByRole("button", { name: "Before" }));
    await user.tab();
    expect(row("newest of mine")).toHaveFocus();
    await user.tab();
    expect(within(row("newest of mine")).getByRole("button", { name: "Edit" })).toHaveFocus();
    await user.tab();
    expect(within(row("newest of mine")).getByRole("button", { name: "Delete" })).toHaveFocus();
    await user.tab();
    expect(screen.getByLabelText("Message")).toHaveFocus();
    // no other message, button or link is a tab stop
    const stops = [...document.querySelectorAll<HTMLElement>("[data-testid=message-list] button, [data-testid=message-list] a, [data-testid=message]")].filter((el) => el.tabIndex >= 0);
    expect(stops).toEqual([row("newest of mine"), ...within(row("newest of mine")).getAllByRole("button")]);
  });

  it("↑/↓/Home/End move between messages, Enter into the buttons, Escape back out and on to the composer", async () => {
    const user = userEvent.setup();
    const { handlers } = renderList();
    act(() => row("newest of mine").focus());
    await user.keyboard("{ArrowUp}");
    expect(row("second of mine")).toHaveFocus();
    await user.keyboard("{ArrowUp}");
    expect(row("https://example.com/a")).toHaveFocus();
    // the focused message is the tab stop now, its link with it
    expect(row("https://example.com/a").tabIndex).toBe(0);
    expect(row("newest of mine").tabIndex).toBe(-1);
    expect(screen.getByRole("link").tabIndex).toBe(0);
    await user.keyboard("{Home}");
    expect(row("first of mine")).toHaveFocus();
    expect(screen.getByRole("link").tabIndex).toBe(-1);
    await user.keyboard("{ArrowUp}");
    expect(row("first of mine")).toHaveFocus();
    await user.keyboard("{End}");
    expect(row("newest of mine")).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(row("newest of mine")).toHaveFocus();
    await user.keyboard("{ArrowUp}{Enter}");
    expect(within(row("second of mine")).getByRole("button", { name: "Edit" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(row("second of mine")).toHaveFocus();
    expect(handlers.onEscape).not.toHaveBeenCalled();
    await user.keyboard("{Escape}");
    expect(handlers.onEscape).toHaveBeenCalledTimes(1);
  });

  it("Escape in the delete question cancels it, back on the message", async () => {
    const user = userEvent.setup();
    renderList();
    await user.click(within(row("second of mine")).getByRole("button", { name: "Delete" }));
    expect(within(screen.getByRole("group", { name: "Delete this message?" })).getByRole("button", { name: "Delete" })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("group", { name: "Delete this message?" })).not.toBeInTheDocument();
    expect(row("second of mine")).toHaveFocus();
  });

  it("an edit asked for from the composer opens focused at the end, and gives the focus back on Escape or Enter", async () => {
    const user = userEvent.setup();
    const { props, rerender, handlers } = renderList();
    const composer = screen.getByLabelText("Message");
    const list = (editRequest: { id: string; n: number }) => (
      <>
        <button type="button">Before</button>
        <MessageList {...props} editRequest={editRequest} />
        <textarea aria-label="Message" />
      </>
    );
    act(() => composer.focus());
    rerender(list({ id: "m4", n: 1 }));
    const box = screen.getByLabelText("Edit message") as HTMLTextAreaElement;
    expect(box).toHaveFocus();
    expect(box.selectionStart).toBe("newest of mine".length);
    await user.keyboard(" (typo){Escape}");
    expect(screen.queryByLabelText("Edit message")).not.toBeInTheDocument();
    expect(composer).toHaveFocus();
    expect(handlers.onEdit).not.toHaveBeenCalled();

    rerender(list({ id: "m4", n: 2 }));
    await user.keyboard("!{Enter}");
    expect(handlers.onEdit).toHaveBeenCalledWith("m4", "newest of mine!");
    expect(screen.queryByLabelText("Edit message")).not.toBeInTheDocument();
    expect(composer).toHaveFocus();
  });
});

describe("Up in the composer", () => {
  it("asks for the last message's edit only when the composer is empty, and takes the key only then", async () => {
    const user = userEvent.setup();
    const onEditLast = jest.fn(() => true);
    render(<Composer onSend={() => {}} onEditLast={onEditLast} />);
    const input = screen.getByLabelText("Message");
    await user.click(input);
    const up = new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true, cancelable: true });
    input.dispatchEvent(up);
    expect(onEditLast).toHaveBeenCalledTimes(1);
    expect(up.defaultPrevented).toBe(true);
    await user.keyboard("{Shift>}{ArrowUp}{/Shift}");
    expect(onEditLast).toHaveBeenCalledTimes(1);
    await user.type(input, "line one{Shift>}{Enter}{/Shift}two");
    await user.keyboard("{ArrowUp}");
    expect(onEditLast).toHaveBeenCalledTimes(1);
  });

  it("leaves the key alone when there is nothing to edit", () => {
    const onEditLast = jest.fn(() => false);
    render(<Composer onSend={() => {}} onEditLast={onEditLast} />);
    const up = new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true, cancelable: true });
    screen.getByLabelText("Message").dispatchEvent(up);
    expect(onEditLast).toHaveBeenCalledTimes(1);
    expect(up.defaultPrevented).toBe(false);
  });
});
