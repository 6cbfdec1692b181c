"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Avatar } from "@/components/Avatar";
import { ChatBubbleIcon, EmptyState } from "@/components/shell/EmptyState";
import type { ConversationView } from "@/lib/conversations/types";
import { filesLabel } from "@/lib/attachments/rules";
import { truncate } from "@/lib/platform/text-length";
import { useChatActions } from "../hooks/useChat";
import { useChatShortcuts } from "../hooks/useChatShortcuts";
import { requestComposerFocus } from "../conversation/composer-focus";
import { useConversations, useDrafts, useListStatus, useMeId, usePeople, usePresenceKnown } from "../hooks/useChatState";
import { listTime, type TimeZone } from "../messages/format";
import { plainText } from "../messages/markup/plain";
import { conversationHandles, conversationTitle, handlesToShow, otherMember, previewSender } from "../client/names";
import { NotificationToggle } from "./NotificationToggle";
import { ConversationBadges } from "./ConversationBadges";
import { PersonName } from "../PersonName";
import { DELETED_USER, DELETED_USER_NAME, namedIn } from "../client/people";
import { noteParts } from "../messages/system-note";
import { NoteWords } from "../messages/SystemNote";
import { lastActivity, sortedConversations } from "../client/selectors";
import type { ChatState } from "../client/state";
import { useNow, useTimeZone } from "../hooks/useNow";
import { lazyDialog } from "../LazyDialog";
import styles from "../Chat.module.scss";

/**
 * Loaded when first wanted (../LazyDialog.tsx), preloaded when a pointer or the focus reaches their
 * button and, for the switcher, when Ctrl or Cmd goes down (so the K finds it loaded).
 */
const NewMessageDialog = lazyDialog(() => import("./NewConversation").then((m) => m.NewMessageDialog));
const NewGroupDialog = lazyDialog(() => import("./NewConversation").then((m) => m.NewGroupDialog));
const Switcher = lazyDialog(() => import("./Switcher").then((m) => m.Switcher));
const SearchDialog = lazyDialog(() => import("../search/SearchDialog").then((m) => m.SearchDialog));

/**
 * How much of the last message a sidebar row holds, in code points, cut on a grapheme boundary
 * (lib/platform/text-length.ts): more than one line shows; CSS ends the visible line with its own "…".
 */
export const LIST_PREVIEW = 200;

/** Text for one line of the sidebar: whitespace runs as one space, cut to LIST_PREVIEW on a grapheme boundary. */
const oneLine = (text: string) => truncate(text.replace(/\s+/g, " "), LIST_PREVIEW);

/** How much of a message's source the preview reads: enough for LIST_PREVIEW characters of text. */
const PREVIEW_SOURCE = 1000;
const previews = new Map<string, string>();

/**
 * A last message as one line of plain text: its formatting markers dropped ("**hi** `x`" → "hi x",
 * markup/plain.ts), as chat apps show it in their lists. Only the start of a long message is read
 * (a marker closed further on shows as typed), and the answers are kept for the next render: the
 * list renders on every change of the chat state.
 */
function messagePreview(body: string): string {
  let text = previews.get(body);
  if (text === undefined) {
    let cut = Math.min(body.length, PREVIEW_SOURCE);
    if (cut < body.length && /[\ud800-\udbff]/.test(body[cut - 1])) cut--; // not half a surrogate pair
    text = oneLine(plainText(body.slice(0, cut)));
    if (previews.size >= 500) previews.clear();
    previews.set(body, text);
  }
  return text;
}

/**
 * "Name: text", the name and the text each bidi-isolated, so neither can reorder the other or the
 * colon; "Draft: text" instead when the user left unsent text there.
 */
function previewOf(c: ConversationView, meId: string, people: ChatState["people"], draft: string | undefined): ReactNode {
  if (draft) {
    return (
      <>
        <span className={styles.draftLabel}>Draft</span>: <bdi>{oneLine(draft)}</bdi>
      </>
    );
  }
  const m = c.lastMessage;
  if (!m) return c.kind === "group" ? `${c.members.length} members` : "No messages yet";
  if (m.kind === "system" && m.event) {
    // a group change: the note itself ("Ada added Bob"), named as senders are
    const nameOf = (id: string | null) => (id === null ? DELETED_USER_NAME : (previewSender(c.members, id) ?? formerSender(c.members, people, id)).name);
    return <NoteWords parts={noteParts(m.event, m.senderId, meId)} nameOf={nameOf} />;
  }
  // a message of files alone is named by them: "plan.png", "3 files"
  const body = <bdi>{m.deletedAt ? "message deleted" : m.body === "" && m.attachments.length ? filesLabel(m.attachments.map((a) => a.name)) : messagePreview(m.body)}</bdi>;
  if (m.senderId === meId) return <>You: {body}</>;
  if (c.kind === "group") {
    const sender = m.senderId === null ? { name: DELETED_USER_NAME } : (previewSender(c.members, m.senderId) ?? formerSender(c.members, people, m.senderId));
    return (
      <>
        <PersonName name={sender.name} handle={"handle" in sender ? sender.handle : undefined} />: {body}
      </>
    );
  }
  return body;
}

/**
 * A sender who is no longer a member: their public profile's name once looked up (./people.ts),
 * with the handle when it reads like a member's name.
 */
function formerSender(members: ConversationView["members"], people: ChatState["people"], id: string): { name: string; handle?: string } {
  const p = people[id];
  if (p === null) return { name: DELETED_USER_NAME };
  return p ? { name: p.displayName, handle: handlesToShow([...members, p])[id] } : { name: "Former member" };
}

/** `presenceKnown` false (offline): no presence dot and no "online"/"offline" for screen readers. */
function ConversationRow(props: {
  c: ConversationView;
  meId: string;
  active: boolean;
  now: Date;
  /** the zone times are shown in (undefined: the browser's) */
  timeZone: TimeZone;
  handle?: string;
  people: ChatState["people"];
  presenceKnown: boolean;
  draft?: string;
}) {
  const { c, meId, active, now, timeZone, handle, people, presenceKnown } = props;
  // the open conversation's draft is in its composer already
  const draft = active ? undefined : props.draft;
  const title = conversationTitle(c, meId);
  const other = c.kind === "direct" ? otherMember(c, meId) : undefined;
  const unread = c.unreadCount > 0 && !active && c.notifications !== "none";
  return (
    <li>
      <Link
        href={`/c/${c.id}`}
        // a click, a tap or Enter: the conversation opens ready to type (not on a touch screen)
        onClick={(e) => !(e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) && requestComposerFocus(c.id)}
        className={styles.row}
        aria-current={active ? "page" : undefined}
        data-unread={unread || undefined}
        data-muted={c.notifications === "none" || undefined}
        data-testid="conversation-item"
      >
        {other ? (
          <Avatar user={other} size={40} online={presenceKnown ? other.online : undefined} />
        ) : (
          <Avatar user={c.kind === "direct" ? DELETED_USER : { id: c.id, displayName: title }} size={40} />
        )}
        <span className={styles.rowText}>
          <span className={styles.rowTop}>
            <span className={styles.rowTitle} data-testid="conversation-name">
              <PersonName name={title} handle={handle} fit />
            </span>
            <time className={styles.rowTime} dateTime={lastActivity(c)}>
              {listTime(lastActivity(c), now, timeZone)}
            </time>
          </span>
          <span className={styles.rowBottom}>
            <span className={styles.rowPreview} data-testid="conversation-preview" data-draft={draft ? true : undefined}>
              {previewOf(c, meId, people, draft)}
            </span>
            <ConversationBadges c={c} active={active} />
          </span>
          {other && presenceKnown && <span className="visually-hidden">{other.online ? ", online" : ", offline"}</span>}
        </span>
      </Link>
    </li>
  );
}

/** The sidebar's conversations, newest activity first, with the new message / new group controls. */
export function ConversationList() {
  const meId = useMeId();
  const conversations = useConversations();
  const people = usePeople();
  const drafts = useDrafts();
  const presenceKnown = usePresenceKnown();
  const listStatus = useListStatus();
  const actions = useChatActions();
  const pathname = usePathname();
  const now = useNow();
  const timeZone = useTimeZone();
  const [dialog, setDialog] = useState<"message" | "group" | "switch" | "search" | null>(null);

  // the switcher's code is fetched when Ctrl/Cmd goes down, before the K (useChatShortcuts opens it)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Control" || e.key === "Meta") Switcher.preload();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const activeId = pathname.startsWith("/c/") ? decodeURIComponent(pathname.slice(3).split("/")[0]) : null;
  useChatShortcuts(
    activeId,
    () => setDialog("switch"),
    () => setDialog("search"),
  );
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    // the open conversation's row in view, when Alt+↑/↓ or Ctrl+K went past the visible part
    listRef.current?.querySelector<HTMLElement>('[aria-current="page"]')?.scrollIntoView?.({ block: "nearest" });
  }, [activeId]);
  const list = sortedConversations(conversations);
  const handles = useMemo(() => conversationHandles(Object.values(conversations), meId), [conversations, meId]);
  // a group's last message may come from someone who left: name them by their public profile
  const unknownSenders = useMemo(
    () =>
      Object.values(conversations).flatMap((c) => {
        const named = c.kind === "group" && c.lastMessage ? namedIn(c.lastMessage) : [];
        return named.filter((s) => !c.members.some((m) => m.id === s) && !(s in people));
      }),
    [conversations, people],
  );
  useEffect(() => {
    if (unknownSenders.length) actions.lookupPeople(unknownSenders);
  }, [actions, unknownSenders]);

  return (
    <div className={styles.listPane}>
      <div className={styles.listHeader}>
        <h2 className={styles.listTitle}>Conversations</h2>
        <button type="button" className={styles.headerButton} onClick={() => setDialog("switch")} onPointerEnter={Switcher.preload} onFocus={Switcher.preload} title="Go to conversation (Ctrl+K)">
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <circle cx="11" cy="11" r="7" />
            <path d="m20 20-3.5-3.5" />
          </svg>
          <span>Go to conversation</span>
        </button>
        <button type="button" className={styles.headerButton} onClick={() => setDialog("search")} onPointerEnter={SearchDialog.preload} onFocus={SearchDialog.preload} title="Search messages (Ctrl+Shift+F or /)" data-testid="search-button">
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
            <circle cx="11" cy="10" r="3" />
            <path d="m15 14-1.8-1.8" />
          </svg>
          <span>Search messages</span>
        </button>
        <button type="button" className={styles.headerButton} onClick={() => setDialog("message")} onPointerEnter={NewMessageDialog.preload} onFocus={NewMessageDialog.preload} title="New message">
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="M12 20h9M16.5 3.5a2.1 2.1 0 1 1 3 3L7 19l-4 1 1-4z" />
          </svg>
          <span>New message</span>
        </button>
        <button type="button" className={styles.headerButton} onClick={() => setDialog("group")} onPointerEnter={NewGroupDialog.preload} onFocus={NewGroupDialog.preload} title="New group">
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM19 8v6M22 11h-6" />
          </svg>
          <span>New group</span>
        </button>
      </div>
      <NotificationToggle />

      {listStatus === "loading" && list.length === 0 && (
        <ul className={styles.list} aria-busy="true" aria-label="Loading conversations">
          {Array.from({ length: 5 }, (_, i) => (
            <li key={i} className={styles.skeletonRow}>
              <span className={styles.skeletonAvatar} />
              <span className={styles.skeletonLines}>
                <span />
                <span />
              </span>
            </li>
          ))}
        </ul>
      )}

      {listStatus === "error" && list.length === 0 && (
        <div className={styles.listState} role="alert">
          <p>Could not load your conversations.</p>
          <button type="button" className={styles.retryButton} onClick={() => void actions.refreshList()}>
            Try again
          </button>
        </div>
      )}

      {listStatus === "ready" && list.length === 0 && (
        <EmptyState title="No conversations yet" icon={<ChatBubbleIcon />}>
          <p>
            Find someone in <Link href="/people">People</Link> or start a{" "}
            <button type="button" className={styles.inlineButton} onClick={() => setDialog("message")}>
              new message
            </button>
            .
          </p>
        </EmptyState>
      )}

      {list.length > 0 && (
        <ul ref={listRef} className={styles.list} aria-label="Conversations" data-testid="conversation-list">
          {list.map((c) => (
            <ConversationRow
              key={c.id}
              c={c}
              meId={meId}
              active={c.id === activeId}
              now={now}
              timeZone={timeZone}
              handle={handles[c.id]}
              people={people}
              presenceKnown={presenceKnown}
              draft={drafts[c.id]}
            />
          ))}
        </ul>
      )}

      {dialog === "message" && <NewMessageDialog onClose={() => setDialog(null)} />}
      {dialog === "group" && <NewGroupDialog onClose={() => setDialog(null)} />}
      {dialog === "switch" && <Switcher onClose={() => setDialog(null)} />}
      {dialog === "search" && <SearchDialog onClose={() => setDialog(null)} activeId={activeId} />}
    </div>
  );
}
