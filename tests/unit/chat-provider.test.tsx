/**
 * The realtime store against a scripted socket: the same clientId on every retry until an ack,
 * failed-then-retry, `sync` from the catch-up cursor after a reconnect (again while hasMore), and a
 * gap's catch-up without a reconnect (issue 11, item 1).
 */
import { act, render } from "@testing-library/react";
import { useEffect } from "react";
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { ChatClientProvider } from "@/components/chat/ChatProvider";
import type { ChatActions } from "@/components/chat/client/actions";
import type { ChatState } from "@/components/chat/client/state";
import { useChat } from "@/components/chat/hooks/useChat";
import { ADA, C1, directConversation, ME, message } from "@/tests/support/chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

let socket: ScriptedSocket;

const conversation = directConversation(5);

const C2 = "44444444-4444-4444-8444-444444444444";
let listed: ConversationView[];
let fetches: string[];
function answer(url: string): unknown {
  if (url === "/api/conversations") return { conversations: listed };
  if (url.startsWith(`/api/conversations/${C1}/messages`)) return { messages: [1, 2, 3, 4, 5].map((n) => message(n)), hasMore: false };
  if (url.startsWith(`/api/conversations/${C2}/messages`)) return { messages: [1, 2].map((n) => message(n, { id: `c2m${n}`, conversationId: C2 })), hasMore: false };
  throw new Error(`unexpected fetch ${url}`);
}

let state!: ChatState;
let actions!: ChatActions;
function Probe() {
  const chat = useChat();
  useEffect(() => {
    state = chat.state;
    actions = chat.actions;
  });
  return null;
}

async function flush() {
  for (let i = 0; i < 5; i++) await act(async () => {});
}

async function start() {
  render(
    <ChatClientProvider meId={ME} connect={() => socket.asSocket()} navigation={fakeNavigation()}>
      <Probe />
    </ChatClientProvider>,
  );
  await act(async () => socket.fire("connect"));
  await flush();
}

beforeEach(() => {
  socket = new ScriptedSocket();
  fetches = [];
  listed = [conversation];
  global.fetch = jest.fn(async (url: string | URL | Request) => {
    fetches.push(String(url));
    const body = answer(String(url));
    return { ok: true, status: 200, json: async () => body } as Response;
  }) as typeof fetch;
});
afterEach(() => jest.useRealTimers());

describe("<ChatClientProvider>", () => {
  it("retries a send with the same clientId until it is acknowledged, and shows it failed meanwhile", async () => {
    jest.useFakeTimers();
    await start();
    await act(async () => actions.send(C1, "hello"));
    const first = socket.sent("message:send");
    expect(first).toHaveLength(1);
    const { clientId } = first[0].payload as { clientId: string };
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.outbox).toMatchObject([{ clientId, body: "hello", status: "pending" }]);

    // no answer in time: the same clientId again
    await act(async () => first[0].ack!(new Error("operation has timed out")));
    await act(async () => jest.advanceTimersByTime(600));
    expect(socket.sent("message:send").map((e) => (e.payload as { clientId: string }).clientId)).toEqual([clientId, clientId]);

    // still nothing after ten seconds: failed, with a retry
    await act(async () => jest.advanceTimersByTime(10_000));
    expect(state.outbox).toMatchObject([{ clientId, status: "failed" }]);

    await act(async () => actions.retry(clientId));
    const attempts = socket.sent("message:send");
    const last = attempts[attempts.length - 1];
    expect((last.payload as { clientId: string }).clientId).toBe(clientId);
    expect(state.outbox[0].status).toBe("pending");
    await act(async () => last.ack!(null, { ok: true, message: message(6, { senderId: ME, clientId, body: "hello" }) }));
    expect(state.outbox).toEqual([]);
    // a late answer to an earlier attempt changes nothing
    await act(async () => attempts[1].ack!(null, { ok: true, message: message(6, { senderId: ME, clientId, body: "hello" }) }));
    expect(state.outbox).toEqual([]);
  });

  it("marks a send refused by the server as failed at once", async () => {
    await start();
    await act(async () => actions.send(C1, "x"));
    const [attempt] = socket.sent("message:send");
    await act(async () => attempt.ack!(null, { ok: false, error: { code: "not_found", message: "No such conversation" } }));
    expect(state.outbox).toMatchObject([{ status: "failed", error: "No such conversation" }]);
  });

  it("after a reconnect refetches the list and syncs from its cursor, again while hasMore", async () => {
    await start();
    await act(async () => actions.loadTimeline(C1));
    await flush();
    expect(state.timelines[C1].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    // an edit arrives live: rev 6
    await act(async () => socket.fire("message:updated", message(2, { rev: 6, body: "edited", editedAt: "2026-03-01T11:30:00.000Z" })));
    const listFetchesBefore = fetches.filter((u) => u === "/api/conversations").length;

    await act(async () => socket.fire("disconnect", "transport close"));
    expect(state.connection).toBe("reconnecting");
    await act(async () => socket.fire("connect"));
    await flush();
    expect(fetches.filter((u) => u === "/api/conversations").length).toBe(listFetchesBefore + 1);

    const [firstSync] = socket.sent("sync");
    expect(firstSync.payload).toEqual({ since: { [C1]: 6 } });
    await act(async () => firstSync.ack!(null, { ok: true, messages: [message(7), message(3, { rev: 8, body: "", deletedAt: "2026-03-01T11:40:00.000Z" })], hasMore: true }));
    await flush();
    const syncs = socket.sent("sync");
    expect(syncs).toHaveLength(2);
    expect(syncs[1].payload).toEqual({ since: { [C1]: 8 } });
    await act(async () => syncs[1].ack!(null, { ok: true, messages: [message(7), message(9)], hasMore: false }));
    await flush();
    expect(socket.sent("sync")).toHaveLength(2);
    expect(state.timelines[C1].items.map((m) => `${m.seq}:${m.body}`)).toEqual(["1:body 1", "2:edited", "3:", "4:body 4", "5:body 5", "7:body 7", "9:body 9"]);
    expect(state.connection).toBe("connected");
  });

  it("when the server asks for a resync, refetches the list and syncs from what it holds, within a couple of seconds", async () => {
    jest.useFakeTimers();
    await start();
    await act(async () => actions.loadTimeline(C1));
    await flush();
    const listFetchesBefore = fetches.filter((u) => u === "/api/conversations").length;
    const syncsBefore = socket.sent("sync").length;

    await act(async () => socket.fire("resync", { reason: "redis_recovered" }));
    await act(async () => jest.advanceTimersByTime(2_000));
    await flush();
    expect(fetches.filter((u) => u === "/api/conversations").length).toBe(listFetchesBefore + 1);
    const syncs = socket.sent("sync");
    expect(syncs).toHaveLength(syncsBefore + 1);
    expect(syncs.at(-1)!.payload).toEqual({ since: { [C1]: 5 } });
    await act(async () => syncs.at(-1)!.ack!(null, { ok: true, messages: [message(6)], hasMore: false }));
    await flush();
    expect(state.timelines[C1].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("when a sync is refused because it was removed from a conversation meanwhile, refetches the list and catches up on the rest", async () => {
    listed = [conversation, { ...conversation, id: C2, kind: "group", title: "Soon gone", lastSeq: 2, lastReadSeq: 2 }];
    await start();
    await act(async () => actions.loadTimeline(C1));
    await act(async () => actions.loadTimeline(C2));
    await flush();
    await act(async () => socket.fire("disconnect", "transport close"));
    await act(async () => socket.fire("connect"));
    await flush();

    const [first] = socket.sent("sync");
    expect(first.payload).toEqual({ since: { [C1]: 5, [C2]: 2 } });
    listed = [conversation]; // the removal landed between the list and the sync
    await act(async () => first.ack!(null, { ok: false, error: { code: "not_found", message: "Conversation not found" } }));
    await flush();
    const syncs = socket.sent("sync");
    expect(syncs).toHaveLength(2);
    expect(syncs[1].payload).toEqual({ since: { [C1]: 5 } });
    await act(async () => syncs[1].ack!(null, { ok: true, messages: [message(6)], hasMore: false }));
    await flush();
    expect(state.timelines[C1].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Object.keys(state.conversations)).toEqual([C1]);
  });

  it("after a refused handshake retries in 2 s, but after rate_limited (too many tabs) waits 30 s, not in a tight loop", async () => {
    jest.useFakeTimers();
    await start();
    socket.active = false; // a refusal by the server's middleware: socket.io-client does not retry on its own
    await act(async () => socket.fire("disconnect", "io server disconnect"));
    await act(async () => socket.fire("connect_error", new Error("unavailable")));
    await act(async () => jest.advanceTimersByTime(2_000));
    expect(socket.connects).toBe(1);

    await act(async () => socket.fire("connect_error", new Error("rate_limited")));
    await act(async () => jest.advanceTimersByTime(29_000));
    expect(socket.connects).toBe(1);
    expect(state.connection).toBe("reconnecting");
    await act(async () => jest.advanceTimersByTime(1_000));
    expect(socket.connects).toBe(2);
  });

  it("takes the list the page came with instead of fetching it, and the opening page of a conversation", async () => {
    render(
      <ChatClientProvider meId={ME} initialConversations={[conversation]} connect={() => socket.asSocket()} navigation={fakeNavigation()}>
        <Probe />
      </ChatClientProvider>,
    );
    await flush();
    expect(state.listStatus).toBe("ready");
    expect(Object.keys(state.conversations)).toEqual([C1]);
    expect(fetches).toEqual([]);

    await act(async () => actions.prime({ conversation, messages: [1, 2, 3].map((n) => message(n)), hasMore: true }));
    expect(state.timelines[C1]).toMatchObject({ status: "ready", hasOlder: true });
    expect(state.timelines[C1].items.map((m) => m.seq)).toEqual([1, 2, 3]);
    // a timeline already held (and perhaps newer) is not replaced by a page's copy
    await act(async () => actions.prime({ conversation, messages: [message(1)], hasMore: false }));
    expect(state.timelines[C1].items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(fetches).toEqual([]);
  });

  it("after a reconnect syncs from below a missed message even when its own resent message was acknowledged first", async () => {
    await start();
    await act(async () => actions.loadTimeline(C1));
    await flush();
    await act(async () => socket.fire("disconnect", "transport close"));
    await act(async () => actions.send(C1, "from ada"));
    // back: the outbox resends at once, and its ack (rev 7: Bob's 6 was missed) comes before the list
    let releaseList!: () => void;
    const listHeld = new Promise<void>((r) => (releaseList = r));
    const plainFetch = global.fetch;
    global.fetch = jest.fn(async (url: string | URL | Request) => {
      if (String(url) === "/api/conversations") await listHeld;
      return plainFetch(url);
    }) as typeof fetch;
    await act(async () => socket.fire("connect"));
    const resend = socket.sent("message:send").at(-1)!;
    const { clientId } = resend.payload as { clientId: string };
    await act(async () => resend.ack!(null, { ok: true, message: message(7, { senderId: ME, clientId, body: "from ada" }) }));
    await act(async () => releaseList());
    await flush();
    const [sync] = socket.sent("sync");
    expect(sync.payload).toEqual({ since: { [C1]: 5 } });
    await act(async () => sync.ack!(null, { ok: true, messages: [message(6, { body: "from bob" }), message(7, { senderId: ME, clientId, body: "from ada" })], hasMore: false }));
    await flush();
    expect(state.timelines[C1].items.map((m) => m.body)).toEqual(["body 1", "body 2", "body 3", "body 4", "body 5", "from bob", "from ada"]);
  });

  it("catches up a gap about a second after it shows, without a reconnect, and backs off only while it stays", async () => {
    jest.useFakeTimers();
    await start();
    await act(async () => actions.loadTimeline(C1));
    await flush();
    const syncs = () => socket.sent("sync");
    const before = syncs().length;

    // an out-of-order message that the missing one follows closely: no sync at all
    await act(async () => socket.fire("message:new", message(7)));
    await act(async () => socket.fire("message:new", message(6)));
    await act(async () => jest.advanceTimersByTime(3_000));
    await flush();
    expect(syncs()).toHaveLength(before);

    // message 8 never comes; 9 shows the gap: one sync from 7, a second later
    await act(async () => socket.fire("message:new", message(9)));
    await act(async () => jest.advanceTimersByTime(900));
    expect(syncs()).toHaveLength(before);
    await act(async () => jest.advanceTimersByTime(200));
    await flush();
    expect(syncs()).toHaveLength(before + 1);
    expect(syncs().at(-1)!.payload).toEqual({ since: { [C1]: 7 } });
    // refused: the same gap again after 2 s, then 4 s
    await act(async () => syncs().at(-1)!.ack!(null, { ok: false, error: { code: "rate_limited", message: "Too many sync requests." } }));
    await flush();
    await act(async () => jest.advanceTimersByTime(1_900));
    expect(syncs()).toHaveLength(before + 1);
    await act(async () => jest.advanceTimersByTime(200));
    await flush();
    expect(syncs()).toHaveLength(before + 2);
    await act(async () => syncs().at(-1)!.ack!(null, { ok: false, error: { code: "rate_limited", message: "Too many sync requests." } }));
    await flush();
    await act(async () => jest.advanceTimersByTime(3_900));
    expect(syncs()).toHaveLength(before + 2);
    await act(async () => jest.advanceTimersByTime(200));
    await flush();
    expect(syncs()).toHaveLength(before + 3);
    await act(async () => syncs().at(-1)!.ack!(null, { ok: true, messages: [message(8), message(9)], hasMore: false }));
    await flush();
    expect(state.timelines[C1].items.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // closed: nothing more; a new gap is caught up a second later again, not after the backed-off delay
    await act(async () => jest.advanceTimersByTime(10_000));
    await flush();
    expect(syncs()).toHaveLength(before + 3);
    await act(async () => socket.fire("message:updated", message(1, { rev: 11, body: "edited", editedAt: "2026-03-01T12:00:00.000Z" })));
    await act(async () => jest.advanceTimersByTime(1_100));
    await flush();
    expect(syncs()).toHaveLength(before + 4);
    expect(syncs().at(-1)!.payload).toEqual({ since: { [C1]: 9 } });
  });
});
