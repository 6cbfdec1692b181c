import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Composer } from "@/components/chat/conversation/Composer";

function setup(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = jest.fn();
  const onDraftChange = jest.fn();
  const onTyping = jest.fn();
  render(<Composer onSend={onSend} onDraftChange={onDraftChange} onTyping={onTyping} {...props} />);
  return { onSend, onDraftChange, onTyping, input: screen.getByLabelText("Message") as HTMLTextAreaElement };
}

describe("<Composer>", () => {
  it("sends the trimmed text on Enter and empties itself", async () => {
    const user = userEvent.setup();
    const { onSend, input, onDraftChange } = setup();
    await user.type(input, "  hello there  {Enter}");
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend).toHaveBeenCalledWith("hello there", []);
    expect(input).toHaveValue("");
    expect(onDraftChange).toHaveBeenLastCalledWith("");
    expect(input).toHaveFocus();
  });

  it("breaks the line on Shift+Enter without sending", async () => {
    const user = userEvent.setup();
    const { onSend, input } = setup();
    await user.type(input, "line one{Shift>}{Enter}{/Shift}line two");
    expect(input).toHaveValue("line one\nline two");
    expect(onSend).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(onSend).toHaveBeenCalledWith("line one\nline two", []);
  });

  it("does nothing on Enter with nothing or only spaces: no send, no error (issue 13, item 12)", async () => {
    const user = userEvent.setup();
    const { onSend, input } = setup();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
    await user.type(input, "{Enter}");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(input).not.toHaveAccessibleDescription();
    await user.type(input, "   \n  {Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
    expect(input.value).toMatch(/^\s+$/); // the spaces stay: Enter sent nothing and cleared nothing
    expect(input).toHaveFocus();
  });

  it("shows the characters left near the limit and refuses more than 4000", async () => {
    const user = userEvent.setup();
    const { onSend, input } = setup();
    fireEvent.change(input, { target: { value: "x".repeat(3700) } });
    expect(screen.queryByText(/characters left/)).not.toBeInTheDocument();

    fireEvent.change(input, { target: { value: "x".repeat(3850) } });
    expect(screen.getByText("150 characters left")).toBeInTheDocument();
    expect(input).toHaveAccessibleDescription("150 characters left");

    fireEvent.change(input, { target: { value: "x".repeat(4005) } });
    expect(screen.getByText("5 characters over the limit")).toBeInTheDocument();
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
    await user.type(input, "{Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent("A message may be at most 4000 characters");

    fireEvent.change(input, { target: { value: "x".repeat(4000) } });
    expect(screen.getByText("0 characters left")).toBeInTheDocument();
    await user.type(input, "{Enter}");
    expect(onSend).toHaveBeenCalledWith("x".repeat(4000), []);
  });

  it("counts characters as the server does: an emoji is one, so 2,500 emoji send and 4,001 are one over", async () => {
    const user = userEvent.setup();
    const { onSend, input } = setup();
    const send = screen.getByRole("button", { name: "Send" });

    fireEvent.change(input, { target: { value: "😀".repeat(2500) } }); // the example: 5,000 UTF-16 units
    expect(screen.queryByText(/over the limit/)).not.toBeInTheDocument();
    expect(input).not.toHaveAttribute("aria-invalid");
    expect(send).toBeEnabled();

    fireEvent.change(input, { target: { value: "👩🏽‍💻".repeat(1000) } }); // 4 code points each
    expect(screen.getByText("0 characters left")).toBeInTheDocument();

    fireEvent.change(input, { target: { value: "😀".repeat(4001) } });
    expect(screen.getByText("1 character over the limit")).toBeInTheDocument();
    expect(send).toBeDisabled();

    fireEvent.change(input, { target: { value: "😀".repeat(5000) } });
    expect(screen.getByText("1,000 characters over the limit")).toBeInTheDocument();

    fireEvent.change(input, { target: { value: `  ${"😀".repeat(4000)}  ` } });
    expect(screen.getByText("0 characters left")).toBeInTheDocument();
    expect(send).toBeEnabled();
    await user.click(send);
    expect(onSend).toHaveBeenCalledWith("😀".repeat(4000), []);
  });

  it("refuses a tower of more than 30 combining marks with the server's message, before sending", async () => {
    const user = userEvent.setup();
    const { onSend, input } = setup();
    fireEvent.change(input, { target: { value: `Z${"\u0336".repeat(31)}` } });
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("alert")).toHaveTextContent("A message may have at most 30 accents or other combining marks in a row");
    fireEvent.change(input, { target: { value: `Z${"\u0336".repeat(30)}` } });
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(onSend).toHaveBeenCalledWith(`Z${"\u0336".repeat(30)}`, []);
  });

  it("starts from the conversation's draft and reports every change of it", async () => {
    const user = userEvent.setup();
    const { input, onDraftChange, onTyping } = setup({ initialDraft: "half a thought" });
    expect(input).toHaveValue("half a thought");
    await user.type(input, "!");
    expect(onDraftChange).toHaveBeenLastCalledWith("half a thought!");
    expect(onTyping).toHaveBeenLastCalledWith(true);
  });
});

describe("<Composer> hydrating the server's field", () => {
  it("keeps what was typed before the page hydrated, and a later draft does not replace it", async () => {
    const { renderToString } = await import("react-dom/server");
    const { hydrateRoot } = await import("react-dom/client");
    const { act } = await import("react");
    const onDraftChange = jest.fn();
    const container = document.createElement("div");
    container.innerHTML = renderToString(<Composer onSend={() => {}} onDraftChange={onDraftChange} />);
    document.body.appendChild(container);
    const field = container.querySelector("textarea")!;
    field.value = "typed early";
    let root: ReturnType<typeof hydrateRoot> | undefined;
    await act(async () => {
      root = hydrateRoot(container, <Composer onSend={() => {}} onDraftChange={onDraftChange} />);
    });
    expect(onDraftChange).toHaveBeenLastCalledWith("typed early");
    expect(container.querySelector("textarea")!.value).toBe("typed early");
    // the device's draft, read once hydrated, does not overwrite it
    await act(async () => root!.render(<Composer onSend={() => {}} onDraftChange={onDraftChange} initialDraft="an old draft" />));
    expect(container.querySelector("textarea")!.value).toBe("typed early");
    await act(async () => root!.unmount());
    container.remove();
  });

  it("takes a draft that comes after hydration into an untouched field", async () => {
    const { rerender } = render(<Composer onSend={() => {}} />);
    rerender(<Composer onSend={() => {}} initialDraft="saved on this device" />);
    expect((screen.getByLabelText("Message") as HTMLTextAreaElement).value).toBe("saved on this device");
  });
});
