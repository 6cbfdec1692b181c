/**
 * The reaction UI without a server: the chips (counts, one's own pressed, who reacted, toggling),
 * the emoji picker (search, frequently used first, keyboard) and `:shortcode:` in the composer
 * (suggestions, the closing colon, on send; never inside code).
 */
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Composer } from "@/components/chat/conversation/Composer";
import { expandShortcodes } from "@/components/chat/conversation/shortcodes";
import EmojiPicker from "@/components/chat/messages/reactions/EmojiPicker";
import { countUse, frequentEmoji } from "@/components/chat/messages/reactions/frequent";
import { ReactionChips } from "@/components/chat/messages/reactions/ReactionChips";
import { ReactionsProvider } from "@/components/chat/messages/reactions/ReactionsContext";
import { emojiForShortcode } from "@/lib/messages/emoji";

beforeEach(() => window.localStorage.clear());

describe("reaction chips", () => {
  const names: Record<string, string> = { me: "Me", bob: "\u202eBob" };
  function setup() {
    const react = jest.fn().mockResolvedValue(null);
    const lookup = jest.fn();
    render(
      <ReactionsProvider meId="me" nameOf={(id) => names[id] ?? "Deleted user"} react={react} lookup={lookup}>
        <ReactionChips
          messageId="m1"
          reactions={[
            { emoji: "👍", count: 2, userIds: ["bob", "me"] },
            { emoji: "🎉", count: 2, userIds: ["bob", "gone"] },
          ]}
          onError={() => {}}
        />
      </ReactionsProvider>,
    );
    return { react, lookup };
  }

  it("show each emoji with its count, one's own pressed, and toggle one's own on click", async () => {
    const { react } = setup();
    const [thumbs, party] = screen.getAllByTestId("reaction");
    expect(thumbs).toHaveTextContent("👍2");
    expect(thumbs).toHaveAttribute("aria-pressed", "true");
    expect(party).toHaveAttribute("aria-pressed", "false");
    await userEvent.click(thumbs);
    expect(react).toHaveBeenLastCalledWith("m1", "👍", false);
    await userEvent.click(party);
    expect(react).toHaveBeenLastCalledWith("m1", "🎉", true);
  });

  it("tell who reacted: You first, names isolated, Deleted user for an unknown id (looked up)", async () => {
    const { lookup } = setup();
    const [thumbs, party] = screen.getAllByTestId("reaction");
    expect(document.getElementById(thumbs.getAttribute("aria-describedby")!)).toHaveTextContent("You and \u202eBob reacted with 👍");
    const tip = document.getElementById(party.getAttribute("aria-describedby")!)!;
    expect(tip).toHaveTextContent("\u202eBob and Deleted user reacted with 🎉");
    expect(tip.querySelectorAll("bdi")).toHaveLength(2);
    fireEvent.focus(party);
    expect(tip).toHaveAttribute("data-open");
    expect(lookup).toHaveBeenCalledWith(["gone"]);
  });
});

describe("the emoji picker", () => {
  it("searches by name and shortcode, and Enter in the search picks the first match", async () => {
    const onPick = jest.fn();
    render(<EmojiPicker anchor={null} onPick={onPick} onClose={() => {}} />);
    const search = screen.getByLabelText("Search emoji");
    expect(search).toHaveFocus();
    fireEvent.change(search, { target: { value: "pizza" } });
    fireEvent.keyDown(search, { key: "Enter" });
    expect(onPick).toHaveBeenCalledWith("🍕");
  });

  it("puts this device's frequently used emoji first", () => {
    countUse("🦄");
    countUse("🦄");
    countUse("🌮");
    expect(frequentEmoji().slice(0, 3)).toEqual(["🦄", "🌮", "👍"]);
    render(<EmojiPicker anchor={null} onPick={() => {}} onClose={() => {}} />);
    const frequent = screen.getByRole("group", { name: "Frequently used" });
    expect(within(frequent).getAllByRole("button").map((b) => b.textContent).slice(0, 2)).toEqual(["🦄", "🌮"]);
  });

  it("shows one category at a time, chosen by its button", () => {
    render(<EmojiPicker anchor={null} onPick={() => {}} onClose={() => {}} />);
    expect(screen.queryByRole("button", { name: "dog face" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Animals & nature" }));
    expect(screen.getByRole("button", { name: "Animals & nature" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByRole("button", { name: "dog face" })).toHaveTextContent("🐶");
    expect(screen.queryByRole("group", { name: "Smileys & emotion" })).toBeNull();
  });

  it("moves with the arrow keys, picks with Enter and closes on Escape", async () => {
    const onPick = jest.fn();
    const onClose = jest.fn();
    render(<EmojiPicker anchor={null} onPick={onPick} onClose={onClose} />);
    // fireEvent rather than userEvent: the picker holds every emoji, and userEvent is slow over that many nodes in jsdom
    const key = (k: string) => fireEvent.keyDown(document.activeElement!, { key: k });
    key("ArrowDown");
    const cells = [...document.querySelectorAll<HTMLButtonElement>("button[data-emoji]")];
    expect(cells[0]).toHaveFocus();
    key("ArrowRight");
    key("ArrowDown");
    expect(cells[1 + 8]).toHaveFocus();
    fireEvent.click(document.activeElement!);
    expect(onPick).toHaveBeenCalledWith(cells[9].dataset.emoji);
    key("ArrowUp");
    key("ArrowUp");
    expect(screen.getByLabelText("Search emoji")).toHaveFocus();
    key("Escape");
    expect(onClose).toHaveBeenCalled();
  });
});

describe(":shortcode: in the composer", () => {
  it("offers emoji for :tad, and picking one puts it in place", async () => {
    const onSend = jest.fn();
    render(<Composer onSend={onSend} />);
    const input = screen.getByLabelText("Message") as HTMLTextAreaElement;
    const user = userEvent.setup();
    await user.type(input, "yay :tad");
    const list = await screen.findByRole("listbox", { name: "Emoji suggestions" });
    expect(within(list).getAllByRole("option")[0]).toHaveTextContent("🎉:tada:");
    await user.keyboard("{Enter}");
    expect(input).toHaveValue("yay 🎉");
    expect(onSend).not.toHaveBeenCalled();
    await user.keyboard("{Enter}");
    expect(onSend).toHaveBeenCalledWith("yay 🎉", []);
  });

  it("turns complete shortcodes into emoji on send, but not inside code or when unknown", async () => {
    const onSend = jest.fn();
    render(<Composer onSend={onSend} />);
    const input = screen.getByLabelText("Message");
    fireEvent.change(input, { target: { value: "ok :+1: :nope_not_one: `:+1:`" } });
    await act(async () => void fireEvent.keyDown(input, { key: "Enter" }));
    await waitFor(() => expect(onSend).toHaveBeenCalledWith("ok 👍 :nope_not_one: `:+1:`", []));
  });

  it("expands by the catalogue only outside code", () => {
    expect(expandShortcodes("a :heart: b\n```\n:heart:\n```", emojiForShortcode)).toBe("a ❤️ b\n```\n:heart:\n```");
  });
});
