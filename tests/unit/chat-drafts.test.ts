/**
 * Drafts kept on this device (components/chat/client/drafts.ts, draft-storage.ts), through the
 * chat client with an injected storage: saved shortly after typing, restored by the next client
 * (the next page load), dropped by a send or a removal, kept per signed-in user, bounded, and never
 * breaking anything when storage throws.
 */
import { createChatClient, type ChatClient } from "@/components/chat/client/client";
import { DRAFT_SAVE_DELAY_MS } from "@/components/chat/client/drafts";
import { browserStorage, DRAFT_TTL_MS, MAX_STORED_DRAFTS, type DraftStorage } from "@/components/chat/client/draft-storage";
import type { ChatApi } from "@/components/chat/client/api";
import type { ConversationView } from "@/lib/conversations/types";
import { MESSAGE_MAX } from "@/lib/messages/rules";
import { ADA, C1, directConversation, ME } from "@/tests/support/chat-fixtures";
import { fakeNavigation, ScriptedSocket } from "@/tests/support/scripted-socket";

const C2 = "44444444-4444-4444-8444-444444444444";

/** A Web Storage stand-in; `fail` makes the named calls throw as a full or disabled storage does. */
class MemoryStorage implements DraftStorage {
  items = new Map<string, string>();
  fail = new Set<"getItem" | "setItem" | "removeItem" | "key">();
  get length() {
    return this.items.size;
  }
  key(i: number) {
    this.check("key");
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    this.check("getItem");
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.check("setItem");
    this.items.set(k, String(v));
  }
  removeItem(k: string) {
    this.check("removeItem");
    this.items.delete(k);
  }
  private check(call: "getItem" | "setItem" | "removeItem" | "key") {
    if (this.fail.has(call)) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
  }
  /** the stored texts, by key */
  texts() {
    return Object.fromEntries([...this.items].map(([k, v]) => [k, JSON.parse(v).text]));
  }
}

let socket: ScriptedSocket;
const clients: ChatClient[] = [];

/** A client whose page brought `list` (null: none, the list is fetched on start). */
function client(storage: DraftStorage | null, meId = ME, list: ConversationView[] | null = [directConversation(0), { ...directConversation(0), id: C2 }]): ChatClient {
  const c = createChatClient({
    meId,
    storage,
    navigation: fakeNavigation(),
    api: { listConversations: async () => ({ conversations: [] }) } as unknown as ChatApi,
    initialConversations: list ?? undefined,
    connect: () => (socket = new ScriptedSocket()).asSocket(),
  });
  clients.push(c);
  return c;
}

const entry = (text: string, at = Date.now()) => JSON.stringify({ text, at });

beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  for (const c of clients.splice(0)) c.stop();
  jest.useRealTimers();
});

describe("drafts", () => {
  it("are saved a moment after typing, into the store and onto the device, and restored by the next page", () => {
    const storage = new MemoryStorage();
    const first = client(storage);
    first.actions.setDraft(C1, "half a");
    first.actions.setDraft(C1, "half a thought");
    expect(first.actions.getDraft(C1)).toBe("half a thought");
    expect(storage.items.size).toBe(0);
    expect(first.getState().drafts).toEqual({});

    jest.advanceTimersByTime(DRAFT_SAVE_DELAY_MS);
    expect(first.getState().drafts).toEqual({ [C1]: "half a thought" });
    expect(Object.values(storage.texts())).toEqual(["half a thought"]);

    const next = client(storage);
    expect(next.getState().drafts).toEqual({ [C1]: "half a thought" });
    expect(next.actions.getDraft(C1)).toBe("half a thought");
  });

  it("are saved at once when the conversation changes or the client stops", () => {
    const storage = new MemoryStorage();
    const c = client(storage);
    c.start();
    c.actions.setActive(C1);
    c.actions.setDraft(C1, "leaving soon");
    c.actions.setActive(C2);
    expect(c.getState().drafts).toEqual({ [C1]: "leaving soon" });
    c.actions.setDraft(C2, "closing the tab");
    c.stop();
    expect(Object.values(storage.texts()).sort()).toEqual(["closing the tab", "leaving soon"]);
  });

  it("go when their message is sent, and when cleared", () => {
    const storage = new MemoryStorage();
    const c = client(storage);
    c.actions.setDraft(C1, "on its way");
    c.actions.setDraft(C2, "second thoughts");
    c.actions.setActive(null);
    expect(storage.items.size).toBe(2);

    c.actions.send(C1, "on its way");
    expect(c.getState().drafts).toEqual({ [C2]: "second thoughts" });
    expect(c.actions.getDraft(C1)).toBe("");
    c.actions.setDraft(C2, "   ");
    c.actions.setActive(null);
    expect(c.getState().drafts).toEqual({});
    expect(storage.items.size).toBe(0);
    expect(client(storage).getState().drafts).toEqual({});
  });

  it("go when the user leaves (or is removed from) the conversation, or the list no longer holds it", () => {
    const storage = new MemoryStorage();
    const c = client(storage);
    c.actions.setDraft(C1, "for a group I am about to leave");
    c.actions.setDraft(C2, "for one deleted while the page was closed");
    c.actions.setActive(null);
    c.start();
    socket.fire("conversation:removed", { conversationId: C1 });
    expect(c.getState().drafts).toEqual({ [C2]: "for one deleted while the page was closed" });
    expect(c.actions.getDraft(C1)).toBe("");
    expect(storage.items.size).toBe(1);

    // the next page's list (sent with the page) lacks C2: its draft is gone from the first render on
    const next = createChatClient({ meId: ME, storage, navigation: fakeNavigation(), initialConversations: [], connect: () => new ScriptedSocket().asSocket() });
    clients.push(next);
    expect(next.getState().drafts).toEqual({});
    expect(storage.items.size).toBe(0);
    next.start();
    expect(next.getState().drafts).toEqual({});
  });

  it("are kept per signed-in user: another account in the same browser never sees them", () => {
    const storage = new MemoryStorage();
    const mine = client(storage, ME);
    mine.actions.setDraft(C1, "only mine");
    mine.actions.setActive(null);
    expect([...storage.items.keys()]).toEqual([expect.stringContaining(`${ME}:${C1}`)]);

    const theirs = client(storage, ADA);
    expect(theirs.getState().drafts).toEqual({});
    expect(theirs.actions.getDraft(C1)).toBe("");
    theirs.actions.setDraft(C1, "Ada's own");
    theirs.actions.setActive(null);
    expect(client(storage, ME).getState().drafts).toEqual({ [C1]: "only mine" });
    expect(client(storage, ADA).getState().drafts).toEqual({ [C1]: "Ada's own" });
  });

  it("are bounded: old ones expire, at most MESSAGE_MAX characters each, at most MAX_STORED_DRAFTS", () => {
    const storage = new MemoryStorage();
    const key = (id: string) => `parley:draft:v1:${ME}:${id}`;
    storage.setItem(key(C1), entry("a".repeat(MESSAGE_MAX) + "😀 and more"));
    storage.setItem(key(C2), entry("forgotten", Date.now() - DRAFT_TTL_MS - 1));
    storage.setItem(key("garbled"), "{not json");
    for (let i = 0; i < MAX_STORED_DRAFTS; i++) storage.setItem(key(`old-${i}`), entry(`old ${i}`, Date.now() - 1000 - i));

    // (no list yet: none is dropped for want of its conversation)
    const drafts = client(storage, ME, null).getState().drafts;
    expect(drafts[C1]).toBe("a".repeat(MESSAGE_MAX));
    expect(drafts[C2]).toBeUndefined();
    expect(Object.keys(drafts)).toHaveLength(MAX_STORED_DRAFTS);
    expect(drafts[`old-${MAX_STORED_DRAFTS - 1}`]).toBeUndefined();
    // what was dropped is gone from the device too
    expect(storage.items.size).toBe(MAX_STORED_DRAFTS);

    const long = "b".repeat(MESSAGE_MAX + 10);
    const c = client(storage);
    c.actions.setDraft(C1, long);
    c.actions.setActive(null);
    expect(c.actions.getDraft(C1)).toBe(long);
    expect(storage.texts()[key(C1)]).toBe("b".repeat(MESSAGE_MAX));
  });

  it("keep working in the page when storage throws (full, disabled, private mode)", () => {
    const storage = new MemoryStorage();
    storage.setItem(`parley:draft:v1:${ME}:${C2}`, entry("kept before it broke"));
    storage.fail = new Set(["getItem", "setItem", "removeItem", "key"]);
    const c = client(storage);
    expect(c.getState().drafts).toEqual({});
    c.actions.setDraft(C1, "still here");
    expect(() => c.actions.setActive(null)).not.toThrow();
    expect(c.getState().drafts).toEqual({ [C1]: "still here" });
    expect(() => c.actions.send(C1, "still here")).not.toThrow();
    expect(c.getState().drafts).toEqual({});

    // only writing fails (quota): restoring still works, and the entry keeps its last saved text
    storage.fail = new Set(["setItem"]);
    const full = client(storage);
    expect(full.getState().drafts).toEqual({ [C2]: "kept before it broke" });
    full.actions.setDraft(C2, "too much for the quota");
    full.actions.setActive(null);
    expect(full.getState().drafts).toEqual({ [C2]: "too much for the quota" });
    expect(Object.values(storage.texts())).toEqual(["kept before it broke"]);

    // no storage at all: drafts live as long as the page
    const none = client(null);
    none.actions.setDraft(C1, "memory only");
    none.actions.setActive(null);
    expect(none.getState().drafts).toEqual({ [C1]: "memory only" });
  });

  it("use window.localStorage by default, and none when reading it throws or there is no window", () => {
    expect(browserStorage()).toBeNull();
    const local = new MemoryStorage();
    Object.defineProperty(globalThis, "window", { configurable: true, value: { localStorage: local } });
    try {
      expect(browserStorage()).toBe(local);
      Object.defineProperty(globalThis, "window", {
        configurable: true,
        value: Object.defineProperty({}, "localStorage", {
          get() {
            throw new DOMException("The operation is insecure.", "SecurityError");
          },
        }),
      });
      expect(browserStorage()).toBeNull();
    } finally {
      delete (globalThis as { window?: unknown }).window;
    }
  });
});
