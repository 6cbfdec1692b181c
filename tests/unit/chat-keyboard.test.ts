/**
 * The keyboard rules without a browser (issue 13, item 10; docs/chat-ui.md "Keyboard"): where ↑/↓,
 * Home and End move the message list's focus, which message Up in an empty composer edits, which
 * conversation Alt+↑/↓ opens, and how a conversation opened on purpose hands the focus to its
 * composer. tests/e2e/keyboard.test.ts drives the same with real keys in Chromium.
 */
import type { ConversationView } from "@/lib/conversations/types";
import { lastEditable, rovingTarget } from "@/components/chat/messages/keyboard";
import { adjacentConversation } from "@/components/chat/client/selectors";
import { COMPOSER_FOCUS_WAIT_MS, onComposerFocusRequest, requestComposerFocus } from "@/components/chat/conversation/composer-focus";
import { ADA, ME, message } from "@/tests/support/chat-fixtures";

describe("rovingTarget (the message list's ↑/↓/Home/End)", () => {
  it("moves one message up or down, to the first or last, and stops at the ends", () => {
    expect(rovingTarget("ArrowUp", 3, 5)).toBe(2);
    expect(rovingTarget("ArrowDown", 3, 5)).toBe(4);
    expect(rovingTarget("Home", 3, 5)).toBe(0);
    expect(rovingTarget("End", 1, 5)).toBe(4);
    expect(rovingTarget("ArrowUp", 0, 5)).toBeNull();
    expect(rovingTarget("ArrowDown", 4, 5)).toBeNull();
    expect(rovingTarget("End", 4, 5)).toBeNull();
  });

  it("leaves every other key alone", () => {
    for (const key of ["Enter", "Tab", "a", "PageUp", "ArrowLeft", " "]) expect(rovingTarget(key, 2, 5)).toBeNull();
    expect(rovingTarget("ArrowDown", 0, 0)).toBeNull();
  });
});

describe("lastEditable (Up in an empty composer)", () => {
  it("is one's newest message that is not deleted, skipping others' and deleted ones", () => {
    const mine = (seq: number, over = {}) => message(seq, { senderId: ME, ...over });
    const timeline = [mine(1), mine(2), message(3), mine(4, { deletedAt: "2026-03-01T11:05:00.000Z", body: "" }), message(5)];
    expect(lastEditable(timeline, ME)?.id).toBe("m2");
    expect(lastEditable([...timeline, mine(6)], ME)?.id).toBe("m6");
  });

  it("is none when one has written nothing that can be edited", () => {
    expect(lastEditable([message(1), message(2, { senderId: null })], ME)).toBeNull();
    expect(lastEditable([message(1, { senderId: ME, deletedAt: "2026-03-01T11:05:00.000Z" })], ME)).toBeNull();
    expect(lastEditable([], ME)).toBeNull();
    expect(lastEditable([message(1)], ADA)?.id).toBe("m1");
  });
});

describe("adjacentConversation (Alt+↑/↓)", () => {
  const at = (id: string, minutesAgo: number) =>
    ({ id, createdAt: new Date(Date.UTC(2026, 2, 1, 12) - minutesAgo * 60_000).toISOString(), lastMessage: null, lastSeq: 0 }) as unknown as ConversationView;
  // the sidebar's order: newest activity first → a, b, c
  const list = { c: at("c", 30), a: at("a", 1), b: at("b", 5) };

  it("follows the sidebar's order", () => {
    expect(adjacentConversation(list, "a", 1)).toBe("b");
    expect(adjacentConversation(list, "b", 1)).toBe("c");
    expect(adjacentConversation(list, "c", -1)).toBe("b");
    expect(adjacentConversation(list, "b", -1)).toBe("a");
  });

  it("stops at the ends instead of wrapping round", () => {
    expect(adjacentConversation(list, "a", -1)).toBeNull();
    expect(adjacentConversation(list, "c", 1)).toBeNull();
  });

  it("opens the top one when none (or one no longer listed) is open", () => {
    expect(adjacentConversation(list, null, 1)).toBe("a");
    expect(adjacentConversation(list, null, -1)).toBe("a");
    expect(adjacentConversation(list, "gone", 1)).toBe("a");
    expect(adjacentConversation({}, null, 1)).toBeNull();
  });
});

describe("composer focus on opening a conversation", () => {
  afterEach(() => jest.useRealTimers());

  it("reaches the composer that comes on screen after the request, once", () => {
    requestComposerFocus("c-1");
    const focus = jest.fn();
    const stop = onComposerFocusRequest("c-1", focus);
    expect(focus).toHaveBeenCalledTimes(1);
    stop();
    // taken: a later visit that was not asked for gets no focus
    const again = jest.fn();
    onComposerFocusRequest("c-1", again)();
    expect(again).not.toHaveBeenCalled();
  });

  it("reaches a composer already on screen at once (the open conversation's row clicked again)", () => {
    const focus = jest.fn();
    const stop = onComposerFocusRequest("c-2", focus);
    expect(focus).not.toHaveBeenCalled();
    requestComposerFocus("c-2");
    expect(focus).toHaveBeenCalledTimes(1);
    stop();
    requestComposerFocus("c-2");
    expect(focus).toHaveBeenCalledTimes(1);
  });

  it("is only for the conversation asked for, and not after it went stale", () => {
    requestComposerFocus("c-3");
    const other = jest.fn();
    onComposerFocusRequest("c-4", other)();
    expect(other).not.toHaveBeenCalled();

    jest.useFakeTimers({ now: Date.UTC(2026, 2, 1) });
    requestComposerFocus("c-5");
    jest.setSystemTime(Date.UTC(2026, 2, 1) + COMPOSER_FOCUS_WAIT_MS + 1);
    const late = jest.fn();
    onComposerFocusRequest("c-5", late)();
    expect(late).not.toHaveBeenCalled();
  });
});
