/**
 * The chat client when the server refuses the page's origin (connect_error "forbidden"): it stops
 * trying and says so, instead of reconnecting forever; any other refusal is still retried.
 */
import { act, render, screen } from "@testing-library/react";
import { ChatClientProvider } from "@/components/chat/ChatProvider";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

let socket: ScriptedSocket;

const ME = "11111111-1111-4111-8111-111111111111";

beforeEach(() => {
  jest.useFakeTimers();
  socket = new ScriptedSocket();
  // a refusal by a server middleware leaves socket.io-client inactive: it does not retry on its own
  socket.active = false;
});
afterEach(() => jest.useRealTimers());

function start() {
  render(
    <ChatClientProvider meId={ME} initialConversations={[]} connect={() => socket.asSocket()} navigation={fakeNavigation()}>
      <p>shell</p>
    </ChatClientProvider>,
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
