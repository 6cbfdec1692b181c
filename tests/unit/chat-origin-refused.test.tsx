/**
 * The chat client when the server refuses the page's origin (connect_error "forbidden"): it stops
 * trying and says so, instead of reconnecting forever; any other refusal is still retried.
 */
import { act, render, screen } from "@testing-library/react";

type Handler = (...args: unknown[]) => void;

class RefusingSocket {
  connected = false;
  // a refusal by a server middleware leaves socket.io-client inactive: it does not retry on its own
  active = false;
  connects = 0;
  disconnects = 0;
  private handlers = new Map<string, Handler[]>();
  io = { on: () => {}, removeAllListeners: () => {} };
  on(event: string, fn: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  removeAllListeners() {
    this.handlers.clear();
  }
  connect() {
    this.connects++;
  }
  disconnect() {
    this.disconnects++;
  }
  emit() {}
  fire(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
}

let socket: RefusingSocket;
jest.mock("socket.io-client", () => ({ io: () => socket }));
jest.mock("next/navigation", () => ({ useRouter: () => ({ push: jest.fn(), replace: jest.fn() }), usePathname: () => "/" }));

// imported after the mocks are in place
import { ChatProvider } from "@/components/chat/ChatProvider";

const ME = "11111111-1111-4111-8111-111111111111";

beforeEach(() => {
  jest.useFakeTimers();
  socket = new RefusingSocket();
});
afterEach(() => jest.useRealTimers());

function start() {
  render(
    <ChatProvider meId={ME} initialConversations={[]}>
      <p>shell</p>
    </ChatProvider>,
  );
}

describe("ChatProvider when the server refuses this page's origin", () => {
  it("stops reconnecting and says at once that live updates are refused", () => {
    start();
    act(() => socket.fire("connect_error", new Error("forbidden")));
    expect(screen.getByRole("status")).toHaveTextContent("Live updates refused at this address");
    act(() => jest.advanceTimersByTime(60_000));
    expect(socket.connects).toBe(0);
    expect(socket.disconnects).toBeGreaterThan(0);
    expect(screen.getByRole("status")).toHaveTextContent("Live updates refused at this address");
  });

  it("still retries other refusals (the server was unavailable), showing Reconnecting…", () => {
    start();
    act(() => socket.fire("connect_error", new Error("unavailable")));
    act(() => jest.advanceTimersByTime(2_500));
    expect(socket.connects).toBe(1);
    expect(screen.getByRole("status")).toHaveTextContent("Reconnecting…");
  });
});
