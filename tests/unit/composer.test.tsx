import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Composer } from "@/components/chat/Composer";

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
    expect(onSend).toHaveBeenCalledWith("hello there");
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
    expect(onSend).toHaveBeenCalledWith("line one\nline two");
  });

  it("refuses to send nothing or only spaces", async () => {
    const user = userEvent.setup();
    const { onSend, input } = setup();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
    await user.type(input, "{Enter}");
    expect(screen.getByRole("alert")).toHaveTextContent("Write something first");
    await user.type(input, "   \n  {Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
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
    expect(screen.getByRole("alert")).toHaveTextContent("A message can be at most 4000 characters");

    fireEvent.change(input, { target: { value: "x".repeat(4000) } });
    expect(screen.getByText("0 characters left")).toBeInTheDocument();
    await user.type(input, "{Enter}");
    expect(onSend).toHaveBeenCalledWith("x".repeat(4000));
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
