"use client";

import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent } from "react";
import { Avatar } from "@/components/Avatar";
import type { MessageView } from "@/lib/messages/types";
import { fullTime, relativeTime } from "./format";
import { useTimeZone } from "../hooks/useNow";
import { placeView, SCROLLER_ATTRIBUTE } from "./place-view";
import { OutgoingItem, outgoingKey, SentMessage, type MessageHandlers } from "./MessageItem";
import { ReadReceipt, type Reader } from "./ReadReceipt";
import { rovingTarget } from "./keyboard";
import { handlesToShow } from "../client/names";
import { DELETED_USER } from "../client/people";
import { PersonName } from "../PersonName";
import { buildRows } from "./rows";
import { SystemNote } from "./SystemNote";
import type { OutgoingMessage } from "../client/state";
import styles from "./Messages.module.scss";
import { useFocusMessage } from "./useFocusMessage";

export interface Person {
  id: string;
  displayName: string;
  /** shown beside the name when another member's name reads the same */
  username?: string;
  avatar?: string | null;
}

interface MessageListProps extends MessageHandlers {
  messages: MessageView[];
  outgoing: OutgoingMessage[];
  meId: string;
  /** who is who: the conversation's members and the looked-up senders who left (others show as "Former member" until looked up) */
  people: Record<string, Person>;
  /** the read position when the conversation was opened; the divider goes before the first later message from someone else */
  readSeqAtOpen: number | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  /** a window of older history is shown (client/window.ts): newer pages below it, and "Jump to latest" returns to the live end */
  apart?: { hasNewer: boolean; loadingNewer: boolean; onLoadNewer(): void; onJumpToLatest(): void; focusId?: string | null };
  /** scroll to this message and highlight it briefly, again whenever `nonce` changes */
  focus?: { id: string; nonce: number } | null;
  /** told whether the newest message is in view (for read receipts) */
  onBottomChange?(atBottom: boolean): void;
  /** the conversation's read receipt (client/receipts.ts `readReceipt`): under which message, "Seen" or "Seen by N" (`group`), and who */
  receipt?: { messageId: string; group: boolean; readers: Reader[] } | null;
  /** Escape on a focused message: where the focus goes next (the composer) */
  onEscape?(): void;
  /** open the edit box of message `id` (Up in an empty composer); `n` differs per request */
  editRequest?: { id: string; n: number } | null;
  now?: Date;
}

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 150;

/** The first message at least partly in view, and where its top was (px below the view's top). */
interface Anchor {
  node: Element;
  offset: number;
}

/** The anchor of `el`'s view: a binary search over its messages (they are laid out top to bottom). */
function findAnchor(el: HTMLElement): Anchor | null {
  const items = el.querySelectorAll("[data-testid=message]");
  const top = el.getBoundingClientRect().top;
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].getBoundingClientRect().bottom > top) {
      found = mid;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return found < 0 ? null : { node: items[found], offset: items[found].getBoundingClientRect().top - top };
}

/**
 * Scrolls `el` so that `anchor` is where it was: something above the view changed height (the read
 * receipt moved). Browsers with CSS scroll anchoring do this themselves; then this finds nothing to do.
 */
function keepAnchor(el: HTMLElement, anchor: Anchor | null) {
  if (!anchor?.node.isConnected) return;
  const moved = anchor.node.getBoundingClientRect().top - el.getBoundingClientRect().top - anchor.offset;
  if (moved !== 0) el.scrollTop += moved;
}

/**
 * The scrolling message log: groups, day separators, the unread divider, jump to latest.
 *
 * Keyboard (roving focus, docs/chat-ui.md "Keyboard"): the list is one tab stop — its current
 * message, the newest until another is focused (by keys, a click or a tap). ↑/↓ move between
 * messages, Home/End go to the first/last loaded one; Enter moves into the focused message's
 * buttons (Tab does too: only the current message's buttons and links are tab stops), Escape goes
 * back from them to the message, and from the message to `onEscape` (the composer).
 */
export function MessageList(props: MessageListProps) {
  const { messages, outgoing, meId, people, readSeqAtOpen, hasOlder, loadingOlder, onLoadOlder, onBottomChange, onEscape, editRequest, receipt = null, now = new Date() } = props;
  const { onRetry, onDiscard, onEdit, onDelete, apart, focus } = props;
  const handlers = useMemo<MessageHandlers>(() => ({ onRetry, onDiscard, onEdit, onDelete }), [onRetry, onDiscard, onEdit, onDelete]);
  const scroller = useRef<HTMLDivElement>(null);
  const before = useRef({ scrollHeight: 0, scrollTop: 0, atBottom: true, first: "", last: "", count: 0, receipt: "", anchor: null as Anchor | null, apart: false });
  const placed = useRef(false);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const [focusedKey, setFocusedKey] = useState<string | null>(null);

  const firstUnreadId = useMemo(() => {
    if (readSeqAtOpen === null) return null;
    const i = messages.findIndex((m) => m.seq > readSeqAtOpen && m.senderId !== meId && !m.deletedAt && m.kind !== "system");
    // the oldest loaded with older ones not loaded: the first unread may be further up, so no divider yet
    if (i < 0 || (i === 0 && hasOlder && messages[0].seq > readSeqAtOpen + 1)) return null;
    return messages[i].id;
  }, [messages, readSeqAtOpen, meId, hasOlder]);

  const timeZone = useTimeZone();
  const rows = useMemo(() => buildRows(messages, outgoing, meId, firstUnreadId, now, timeZone), [messages, outgoing, meId, firstUnreadId, now, timeZone]);
  const firstKey = messages[0]?.id ?? "";
  const lastKey = outgoing.length ? outgoing[outgoing.length - 1].clientId : (messages[messages.length - 1]?.id ?? "");
  const total = messages.length + outgoing.length;
  // where the receipt is: its line moving must not move what one is reading
  const receiptAt = receipt?.messageId ?? "";
  // the message that is the list's tab stop: the one focused last while it is still here, else the newest
  const currentKey = useMemo(() => {
    const keys = [...messages.map((m) => m.id), ...outgoing.map(outgoingKey)];
    return focusedKey !== null && keys.includes(focusedKey) ? focusedKey : (keys[keys.length - 1] ?? null);
  }, [messages, outgoing, focusedKey]);

  function remember() {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_BOTTOM_PX;
    before.current = { scrollHeight: el.scrollHeight, scrollTop: el.scrollTop, atBottom: bottom, first: firstKey, last: lastKey, count: total, receipt: receiptAt, anchor: findAnchor(el), apart: !!apart };
    return bottom;
  }

  // place the view: at the unread divider on open, keep the place when older messages arrive, follow
  // new ones at the bottom; when the read receipt moves, stay at the bottom or keep what is in view
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const prev = before.current;
    if (!placed.current) {
      if (total === 0) return;
      placed.current = true;
      // placed already by the server's inline script before the first paint (and perhaps scrolled
      // since by the reader): left where it is
      // a window opened on a message (a reply's original, a pin, a search hit) opens there, not at
      // its end: from there a scroll event would load newer pages until the window met the live end
      const target = apart?.focusId ? el.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(apart.focusId)}"]`) : null;
      if (target) el.scrollTop = Math.max(0, target.offsetTop - el.clientHeight / 3);
      else if (!el.hasAttribute("data-placed")) placeView(el);
    } else if (prev.first !== firstKey && prev.last === lastKey) {
      el.scrollTop = prev.scrollTop + (el.scrollHeight - prev.scrollHeight);
    } else if (prev.last !== lastKey && total > prev.count) {
      const newest = outgoing.length ? null : messages[messages.length - 1];
      const mine = !newest || newest.senderId === meId;
      // a page that joined a window to the live end came from reading down: no leap to the newest,
      // and what it added is history, not news (no "N new messages")
      if ((prev.atBottom && !prev.apart) || mine) el.scrollTop = el.scrollHeight;
      else {
        if (!prev.apart) setUnseen((n) => n + (total - prev.count));
        keepAnchor(el, prev.anchor);
      }
    } else if (prev.receipt !== receiptAt) {
      if (prev.atBottom) el.scrollTop = el.scrollHeight;
      else keepAnchor(el, prev.anchor);
    }
    const bottom = remember();
    setAtBottom(bottom ?? true);
    // too few messages to scroll: fetch older ones until the view fills up
    if (hasOlder && !loadingOlder && el.scrollHeight <= el.clientHeight + NEAR_TOP_PX) onLoadOlder();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [firstKey, lastKey, total, hasOlder, loadingOlder, receiptAt]);

  // the view gets shorter (the connection banner, a phone's keyboard, a taller composer): whoever
  // was at the newest message stays there instead of losing its last lines under the composer
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (before.current.atBottom) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    onBottomChange?.(atBottom);
    if (atBottom) setUnseen(0);
  }, [atBottom, onBottomChange]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    setAtBottom(remember() ?? true);
    if (el.scrollTop < NEAR_TOP_PX && hasOlder && !loadingOlder) onLoadOlder();
    if (apart?.hasNewer && !apart.loadingNewer && el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_TOP_PX) apart.onLoadNewer();
  }

  function onFocus(e: FocusEvent<HTMLDivElement>) {
    const row = (e.target as HTMLElement).closest<HTMLElement>("[data-message-key]");
    if (row?.dataset.messageKey) setFocusedKey(row.dataset.messageKey);
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>("[data-message-key]");
    if (!row || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (target !== row) {
      // from a message's button or link back to the message (an edit box handles its own Escape)
      if (e.key === "Escape" && target.tagName !== "TEXTAREA") {
        e.preventDefault();
        row.focus();
      }
      return;
    }
    if (e.key === "Enter") {
      const first = row.querySelector<HTMLElement>("button:not([disabled]), a[href], textarea");
      if (first) {
        e.preventDefault();
        first.focus();
      }
    } else if (e.key === "Escape" && onEscape) {
      e.preventDefault();
      onEscape();
    } else {
      const rows = [...(scroller.current?.querySelectorAll<HTMLElement>("[data-message-key]") ?? [])];
      const to = rovingTarget(e.key, rows.indexOf(row), rows.length);
      if (to === null) return;
      e.preventDefault();
      rows[to].focus();
    }
  }

  // remembered at once: a resize before the scroll event must not take the view back to the bottom
  useFocusMessage(scroller, focus ?? null, () => setAtBottom(remember() ?? true));

  function jump() {
    if (apart) return apart.onJumpToLatest();
    const el = scroller.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: "smooth" });
    setUnseen(0);
  }

  const handles = useMemo(() => handlesToShow(Object.values(people)), [people]);
  const person = (id: string | null): Person => (id === null ? DELETED_USER : (people[id] ?? { id, displayName: "Former member" }));

  return (
    <div className={styles.wrap}>
      <div
        ref={scroller}
        {...{ [SCROLLER_ATTRIBUTE]: "" }}
        className={styles.scroller}
        onScroll={onScroll}
        onFocus={onFocus}
        onKeyDown={onKeyDown}
        role="log"
        aria-label="Messages"
        // with messages, the current one is the list's tab stop (and scrolls it with the keys)
        tabIndex={currentKey === null ? 0 : -1}
        data-testid="message-list"
      >
        {hasOlder ? (
          <div className={styles.older}>
            <button type="button" className={styles.textButton} onClick={onLoadOlder} disabled={loadingOlder}>
              {loadingOlder ? "Loading older messages…" : "Load older messages"}
            </button>
          </div>
        ) : (
          <p className={styles.start}>{total > 0 ? "This is the beginning of the conversation." : "No messages yet — say hello below."}</p>
        )}
        {rows.map((row) => {
          if (row.kind === "day")
            return (
              <div key={row.key} className={styles.day} role="separator" aria-label={row.label} data-day>
                <span data-testid="day-separator">{row.label}</span>
              </div>
            );
          if (row.kind === "unread")
            return (
              <div key={row.key} className={styles.unread} role="separator" aria-label="New messages" data-unread-divider>
                <span>New messages</span>
              </div>
            );
          if (row.kind === "system") return <SystemNote key={row.key} message={row.message} meId={meId} nameOf={(id) => person(id).displayName} />;
          const who = person(row.senderId);
          const handle = row.senderId === null ? undefined : handles[row.senderId];
          const first = row.entries[0].message;
          return (
            <section
              key={row.key}
              className={styles.group}
              data-own={row.own || undefined}
              data-testid="message-group"
              aria-label={row.own ? "You" : handle ? `${who.displayName} @${handle}` : who.displayName}
            >
              {!row.own && (
                <div className={styles.groupAvatar}>
                  <Avatar user={who} size={36} />
                </div>
              )}
              <div className={styles.groupBody}>
                <header className={styles.groupHeader}>
                  {!row.own && (
                    <span className={styles.sender} data-testid="sender-name" data-deleted-user={row.senderId === null || who === DELETED_USER || undefined}>
                      <PersonName name={who.displayName} handle={handle} fit />
                    </span>
                  )}
                  <time className={styles.time} dateTime={first.createdAt} title={fullTime(first.createdAt, timeZone)}>
                    {relativeTime(first.createdAt, now, timeZone)}
                  </time>
                </header>
                {row.entries.map((e, i) =>
                  e.kind === "sent" ? (
                    <Fragment key={e.message.id}>
                      <SentMessage
                        message={e.message}
                        own={row.own}
                        showTime={i > 0}
                        handlers={handlers}
                        current={e.message.id === currentKey}
                        editRequest={editRequest?.id === e.message.id ? editRequest.n : 0}
                      />
                      {receipt?.messageId === e.message.id && <ReadReceipt group={receipt.group} readers={receipt.readers} />}
                    </Fragment>
                  ) : (
                    <OutgoingItem key={e.message.clientId} message={e.message} handlers={handlers} current={outgoingKey(e.message) === currentKey} />
                  ),
                )}
              </div>
            </section>
          );
        })}
        {apart?.hasNewer && (
          <div className={styles.older}>
            <button type="button" className={styles.textButton} onClick={apart.onLoadNewer} disabled={apart.loadingNewer}>
              {apart.loadingNewer ? "Loading newer messages…" : "Load newer messages"}
            </button>
          </div>
        )}
      </div>
      {(apart || (!atBottom && (unseen > 0 || (before.current.scrollHeight - before.current.scrollTop > 2 * (scroller.current?.clientHeight ?? 0))))) && (
        <button type="button" className={styles.jump} onClick={jump} data-testid="jump-to-latest">
          {unseen > 0 && !apart ? `${unseen} new message${unseen === 1 ? "" : "s"}` : "Jump to latest"}
          <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="M12 5v14M19 12l-7 7-7-7" />
          </svg>
        </button>
      )}
    </div>
  );
}
