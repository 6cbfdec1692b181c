import { act, render, screen } from "@testing-library/react";
import { ReconnectBanner } from "@/components/chat/ReconnectBanner";

describe("<ReconnectBanner>", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("says Reconnecting… after a second without a connection, and goes away by itself", () => {
    const { rerender } = render(<ReconnectBanner connection="connected" />);
    expect(screen.getByRole("status")).toHaveTextContent("");

    rerender(<ReconnectBanner connection="reconnecting" />);
    act(() => jest.advanceTimersByTime(500));
    // a blip shorter than a second shows nothing
    expect(screen.getByRole("status")).toHaveTextContent("");
    act(() => jest.advanceTimersByTime(600));
    expect(screen.getByRole("status")).toHaveTextContent("Reconnecting…");

    rerender(<ReconnectBanner connection="connected" />);
    expect(screen.getByRole("status")).toHaveTextContent("");
  });
});
