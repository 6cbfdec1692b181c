/**
 * The React-free chat client (components/chat/client) driven through an injected scripted socket
 * and a stand-in REST api: catch-up from the cursors after a reconnect, the server's resync, the
 * outbox resending on reconnect, and a start/stop/start cycle (React's strict mode) that opens a
 * fresh socket.
 */
import type { ChatApi } from "@/components/chat/client/api";
import { createChatClient, type ChatClient } from "@/components/chat/client/client";
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { ADA, C1, directConversation, ME, message } from "@/tests/support/chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

const conversation = directConversation(3);

let sockets: ScriptedSocket[];
let listFetches: number;
let client: ChatClient;
let navigation: ReturnType<typeof fakeNavigation>;
const socket = () => sockets.at(-1)!;
const seqs = () => client.getState().timelines[C1].items.map((m) => m.seq);

/** Lets the promise chains of one step (list fetch, then sync) run. */
async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

beforeEach(() => {
  sockets = [];
  listFetches = 0;
  navigation = fakeNavigation();
  const api = {
    listConversations: async () => {
      listFetches++;
      return { conversations: [conversation] };
    },
    messages: async () => ({ messages: [1, 2, 3].map((n) => message(n)), hasMore: false }),
  } as unknown as ChatApi;
  client = createChatClient({
    meId: ME,
    api,
    navigation,
    connect: () => {
      sockets.push(new ScriptedSocket());
      return socket().asSocket();
    },
  });
  client.start();
});
afterEach(() => {
  client.stop();
  jest.useRealTimers();
});

async function connectWithTimeline() {
  socket().fire("connect");
  await settle();
  await client.actions.loadTimeline(C1);
  expect(seqs()).toEqual([1, 2, 3]);
}

describe("the chat client", () => {
  it("after a reconnect fetches the list again and syncs from the timeline's cursor, again while hasMore", async () => {
    await connectWithTimeline();
    // 4 arrives live; 6 too, out of order: the cursor stays at 4
    socket().fire("message:new", message(4));
    socket().fire("message:new", message(6));
    socket().fire("disconnect", "transport close");
    expect(client.getState().connection).toBe("reconnecting");
    const before = listFetches;

    socket().fire("connect");
    await settle();
    expect(listFetches).toBe(before + 1);
    const [first] = socket().sent("sync");
    expect(first.payload).toEqual({ since: { [C1]: 4 } });
    first.ack!(null, { ok: true, messages: [message(5)], hasMore: true });
    await settle();
    const syncs = socket().sent("sync");
    expect(syncs).toHaveLength(2);
    expect(syncs[1].payload).toEqual({ since: { [C1]: 5 } });
    syncs[1].ack!(null, { ok: true, messages: [message(6), message(7)], hasMore: false });
    await settle();
    expect(socket().sent("sync")).toHaveLength(2);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("when the server asks for a resync, fetches the list and syncs from what it holds within two seconds", async () => {
    await connectWithTimeline();
    jest.useFakeTimers();
    const before = listFetches;
    socket().fire("resync", { reason: "redis_recovered" });
    jest.advanceTimersByTime(2_000);
    await settle();
    expect(listFetches).toBe(before + 1);
    const syncs = socket().sent("sync");
    expect(syncs.at(-1)!.payload).toEqual({ since: { [C1]: 3 } });
    syncs.at(-1)!.ack!(null, { ok: true, messages: [message(4)], hasMore: false });
    await settle();
    expect(seqs()).toEqual([1, 2, 3, 4]);
  });

  it("keeps a message sent while offline and sends it, with the same clientId, once reconnected", async () => {
    await connectWithTimeline();
    socket().fire("disconnect", "transport close");
    client.actions.send(C1, "while offline");
    expect(socket().sent("message:send")).toEqual([]);
    expect(client.getState().outbox).toMatchObject([{ body: "while offline", status: "pending" }]);
    const { clientId } = client.getState().outbox[0];

    socket().fire("connect");
    const [resend] = socket().sent("message:send");
    expect(resend.payload).toEqual({ conversationId: C1, clientId, body: "while offline" });
    resend.ack!(null, { ok: true, message: message(4, { senderId: ME, clientId, body: "while offline" }) });
    expect(client.getState().outbox).toEqual([]);
    expect(seqs()).toEqual([1, 2, 3, 4]);
  });

  it("a reply sent while offline carries the quote of its original until acknowledged, and sends only its id", async () => {
    await connectWithTimeline();
    socket().fire("disconnect", "transport close");
    const original = message(2);
    client.actions.send(C1, "an answer", original.id);
    const [pending] = client.getState().outbox;
    expect(pending).toMatchObject({ body: "an answer", replyTo: original.id, quote: { id: original.id, seq: 2, senderId: ADA, body: original.body, deleted: false } });

    socket().fire("connect");
    const [resend] = socket().sent("message:send");
    expect(resend.payload).toEqual({ conversationId: C1, clientId: pending.clientId, body: "an answer", replyTo: original.id });
  });

  it("a message naming @all carries the mentions the server is expected to store while it waits, and sends only its body", async () => {
    await connectWithTimeline();
    socket().fire("disconnect", "transport close");
    client.actions.send(C1, "hello @all");
    const [pending] = client.getState().outbox;
    expect(pending.mentions).toEqual(["all"]);
    socket().fire("connect");
    expect(socket().sent("message:send")[0].payload).toEqual({ conversationId: C1, clientId: pending.clientId, body: "hello @all" });
  });

  it("resends on reconnect a message that only failed for want of an answer", async () => {
    jest.useFakeTimers();
    await connectWithTimeline();
    client.actions.send(C1, "lost");
    const [attempt] = socket().sent("message:send");
    socket().fire("disconnect", "transport close");
    attempt.ack!(new Error("operation has timed out"));
    jest.advanceTimersByTime(10_000);
    expect(client.getState().outbox).toMatchObject([{ status: "failed", error: "Not sent" }]);

    socket().fire("connect");
    expect(client.getState().outbox).toMatchObject([{ status: "pending" }]);
    const attempts = socket().sent("message:send");
    expect(attempts).toHaveLength(2);
    expect(attempts[1].payload).toEqual(attempt.payload);
  });

  it("leaves a conversation on screen that it was removed from", async () => {
    await connectWithTimeline();
    client.actions.setActive(C1);
    socket().fire("conversation:removed", { conversationId: C1 });
    expect(client.getState().conversations[C1]).toBeUndefined();
    expect(navigation.replace).toHaveBeenCalledWith("/");
  });

  it("closes its socket on stop and opens a fresh one on the next start", async () => {
    const first = socket();
    client.stop();
    expect(first.disconnects).toBe(1);
    client.start();
    expect(sockets).toHaveLength(2);
    socket().fire("connect");
    await settle();
    expect(client.getState().connection).toBe("connected");
    // the first socket's events no longer reach the store
    first.fire("disconnect", "transport close");
    expect(client.getState().connection).toBe("connected");
  });

  describe("with the socket's code loaded after the page (a promise from connect)", () => {
    function lazyClient(load: () => Promise<ScriptedSocket>) {
      client.stop();
      const lazy = createChatClient({ meId: ME, api: { listConversations: async () => ({ conversations: [conversation] }) } as unknown as ChatApi, navigation, connect: () => load().then((s) => s.asSocket()) });
      client = lazy;
      return lazy;
    }

    it("follows the socket once it has loaded, and sends what was written before", async () => {
      let resolve!: (s: ScriptedSocket) => void;
      const lazy = lazyClient(() => new Promise((r) => (resolve = r)));
      lazy.start();
      lazy.actions.send(C1, "written before the socket's code arrived");
      expect(lazy.getState().connection).toBe("connecting");
      const s = new ScriptedSocket();
      resolve(s);
      await settle();
      s.fire("connect");
      await settle();
      expect(lazy.getState().connection).toBe("connected");
      expect(s.sent("message:send").map((e) => (e.payload as { body: string }).body)).toEqual(["written before the socket's code arrived"]);
    });

    it("closes a socket that loads after stop, and never follows it", async () => {
      let resolve!: (s: ScriptedSocket) => void;
      const lazy = lazyClient(() => new Promise((r) => (resolve = r)));
      lazy.start();
      lazy.stop();
      const s = new ScriptedSocket();
      resolve(s);
      await settle();
      expect(s.disconnects).toBe(1);
      s.fire("connect");
      expect(lazy.getState().connection).toBe("connecting");
    });

    it("says it is reconnecting when the code fails to load, and tries again", async () => {
      jest.useFakeTimers();
      const loaded = new ScriptedSocket();
      let attempts = 0;
      const lazy = lazyClient(() => (++attempts === 1 ? Promise.reject(new Error("ChunkLoadError")) : Promise.resolve(loaded)));
      lazy.start();
      await settle();
      expect(lazy.getState().connection).toBe("reconnecting");
      expect(attempts).toBe(1);
      jest.advanceTimersByTime(2_000);
      await settle();
      expect(attempts).toBe(2);
      loaded.fire("connect");
      expect(lazy.getState().connection).toBe("connected");
    });
  });
});
