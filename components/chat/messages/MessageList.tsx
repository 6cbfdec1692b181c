"use client";

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Avatar } from "@/components/Avatar";
import type { MessageView } from "@/lib/messages/types";
import { fullTime, relativeTime } from "./format";
import { OutgoingItem, SentMessage, type MessageHandlers } from "./MessageItem";
import { handlesToShow } from "../client/names";
import { DELETED_USER } from "../client/people";
import { PersonName } from "../PersonName";
import { buildRows } from "./rows";
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
  apart?: { hasNewer: boolean; loadingNewer: boolean; onLoadNewer(): void; onJumpToLatest(): void };
  /** scroll to this message and highlight it briefly, again whenever `nonce` changes */
  focus?: { id: string; nonce: number } | null;
  /** told whether the newest message is in view (for read receipts) */
  onBottomChange?(atBottom: boolean): void;
  now?: Date;
}

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 150;

/** The scrolling message log: groups, day separators, the unread divider, jump to latest. */
export function MessageList(props: MessageListProps) {
  const { messages, outgoing, meId, people, readSeqAtOpen, hasOlder, loadingOlder, onLoadOlder, onBottomChange, now = new Date() } = props;
  const { onRetry, onDiscard, onEdit, onDelete, apart, focus } = props;
  const handlers = useMemo<MessageHandlers>(() => ({ onRetry, onDiscard, onEdit, onDelete }), [onRetry, onDiscard, onEdit, onDelete]);
  const scroller = useRef<HTMLDivElement>(null);
  const before = useRef({ scrollHeight: 0, scrollTop: 0, atBottom: true, first: "", last: "", count: 0, apart: false });
  const placed = useRef(false);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);

  const firstUnreadId = useMemo(() => {
    if (readSeqAtOpen === null) return null;
    const i = messages.findIndex((m) => m.seq > readSeqAtOpen && m.senderId !== meId && !m.deletedAt);
    // the oldest loaded with older ones not loaded: the first unread may be further up, so no divider yet
    if (i < 0 || (i === 0 && hasOlder && messages[0].seq > readSeqAtOpen + 1)) return null;
    return messages[i].id;
  }, [messages, readSeqAtOpen, meId, hasOlder]);

  const rows = useMemo(() => buildRows(messages, outgoing, meId, firstUnreadId, now), [messages, outgoing, meId, firstUnreadId, now]);
  const firstKey = messages[0]?.id ?? "";
  const lastKey = outgoing.length ? outgoing[outgoing.length - 1].clientId : (messages[messages.length - 1]?.id ?? "");
  const total = messages.length + outgoing.length;

  function remember() {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= NEAR_BOTTOM_PX;
    before.current = { scrollHeight: el.scrollHeight, scrollTop: el.scrollTop, atBottom: bottom, first: firstKey, last: lastKey, count: total, apart: !!apart };
    return bottom;
  }

  // place the view: at the unread divider on open, keep the place when older messages arrive, follow new ones at the bottom
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const prev = before.current;
    if (!placed.current) {
      if (total === 0) return;
      placed.current = true;
      const divider = el.querySelector<HTMLElement>("[data-unread-divider]");
      // the divider goes just below the sticky day label, not under it
      const label = el.querySelector<HTMLElement>("[role=separator][data-day]");
      if (divider) el.scrollTop = Math.max(0, divider.offsetTop - (label?.offsetHeight ?? 0) - 16);
      else el.scrollTop = el.scrollHeight;
    } else if (prev.first !== firstKey && prev.last === lastKey) {
      el.scrollTop = prev.scrollTop + (el.scrollHeight - prev.scrollHeight);
    } else if (prev.last !== lastKey && total > prev.count) {
      const newest = outgoing.length ? null : messages[messages.length - 1];
      const mine = !newest || newest.senderId === meId;
      // a page that joined a window to the live end came from reading down: no leap to the newest
      if ((prev.atBottom && !prev.apart) || mine) el.scrollTop = el.scrollHeight;
      else setUnseen((n) => n + (total - prev.count));
    }
    const bottom = remember();
    setAtBottom(bottom ?? true);
    // too few messages to scroll: fetch older ones until the view fills up
    if (hasOlder && !loadingOlder && el.scrollHeight <= el.clientHeight + NEAR_TOP_PX) onLoadOlder();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [firstKey, lastKey, total, hasOlder, loadingOlder]);

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
      <div ref={scroller} className={styles.scroller} onScroll={onScroll} role="log" aria-label="Messages" tabIndex={0} data-testid="message-list">
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
                  <time className={styles.time} dateTime={first.createdAt} title={fullTime(first.createdAt)}>
                    {relativeTime(first.createdAt, now)}
                  </time>
                </header>
                {row.entries.map((e, i) =>
                  e.kind === "sent" ? (
                    <SentMessage key={e.message.id} message={e.message} own={row.own} showTime={i > 0} handlers={handlers} />
                  ) : (
                    <OutgoingItem key={e.message.clientId} message={e.message} handlers={handlers} />
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
