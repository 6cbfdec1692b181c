"use client";

import Link from "next/link";
import { Suspense, lazy, Fragment, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Avatar } from "@/components/Avatar";
import type { OpeningView } from "@/lib/conversations/types";
import { isolate } from "@/lib/platform/text";
import headerStyles from "@/components/shell/PageHeader.module.scss";
import { useChatActions } from "../hooks/useChat";
import { useConnection, useConversation, useDeparture, useMeId, useOutbox, usePeople, usePresenceKnown, useTimeline, useTyping } from "../hooks/useChatState";
import { departedTimeline } from "../client/departures";
import { openedWith } from "../client/opening";
import { Composer } from "./Composer";
import { onComposerFocusRequest } from "./composer-focus";
import { onJumpRequest } from "./jump-request";
import { dropFiles } from "./file-drop";
import { NotificationMenu } from "./NotificationMenu";
import { MessageList, type Person } from "../messages/MessageList";
import { ReactionsProvider } from "../messages/reactions/ReactionsContext";
import { lastEditable } from "../messages/keyboard";
import { conversationTitle, handlesToShow, otherMember } from "../client/names";
import { DELETED_USER, namedIn, unknownSenders } from "../client/people";
import { readReceipt } from "../client/receipts";
import { PersonName } from "../PersonName";
import { useHydrated } from "../hooks/useHydrated";
import { lazyDialog } from "../LazyDialog";
import { useNow } from "../hooks/useNow";
import styles from "../Chat.module.scss";
import msgStyles from "../messages/Messages.module.scss";
import type { MessageView, ReplyPreview } from "@/lib/messages/types";
import { MessageContext, type MessageContextValue } from "../messages/message-context";
import { NewMessagesBar } from "../messages/NewMessagesBar";
import { useLanding } from "../hooks/useLanding";
import { PinnedMessages } from "./PinnedMessages";

/** Loaded when first wanted (../LazyDialog.tsx): most visits never open it; its button preloads it. */
const GroupSettings = lazyDialog(() => import("./GroupSettings").then((m) => m.GroupSettings));
// shown only while replying, or once removed from the group: loaded when first shown (the first-load budget)
const ReplyBar = lazy(() => import("./ReplyBar").then((m) => ({ default: m.ReplyBar })));
const RemovedNotice = lazy(() => import("./RemovedNotice").then((m) => ({ default: m.RemovedNotice })));

/** "Ada is typing…", each name bidi-isolated (with its handle when another member reads the same). */
function typingLine(people: { id: string; name: string; handle?: string }[]): ReactNode {
  if (people.length === 0 || people.length > 2) return people.length ? "Several people are typing…" : "";
  const names = people.map((p, i) => (
    <Fragment key={p.id}>
      {i > 0 && " and "}
      <PersonName name={p.name} handle={p.handle} />
    </Fragment>
  ));
  return (
    <>
        {names}
        {people.length === 1 ? " is typing…" : " are typing…"}
    </>
  );
}

function useVisible(): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === "visible");
    update();
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  return visible;
}

/** One conversation: header, message log, typing line and composer. */
export function ConversationScreen({ conversationId, opening = null }: { conversationId: string; opening?: OpeningView | null }) {
  const actions = useChatActions();
  const meId = useMeId();
  // removed by someone while here: what the page held stays, read-only (client/departures.ts)
  const hydrated = useHydrated();
  const live = useConversation(conversationId);
  const departure = useDeparture(conversationId);
  const removed = !live && departure !== undefined;
  // the server renders, and hydration sees, what the page brought: the store takes it right after
  const brought = useMemo(() => (opening?.conversation.id === conversationId ? openedWith(meId, opening) : undefined), [meId, opening, conversationId]);
  const primed = hydrated ? undefined : brought;
  const conversation = live ?? departure?.conversation ?? primed?.conversation;
  const timeline = useTimeline(conversationId) ?? (removed ? departedTimeline(departure) : primed?.timeline);
  const connection = useConnection();
  const presenceKnown = usePresenceKnown();
  const outbox = useOutbox();
  const knownPeople = usePeople();
  const typing = useTyping();
  const [missing, setMissing] = useState(false);
  const [loadError, setLoadError] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [editRequest, setEditRequest] = useState<{ id: string; n: number } | null>(null);
  const composer = useRef<HTMLTextAreaElement | null>(null);
  const readSeqAtOpen = useRef<number | null | undefined>(undefined);
  const visible = useVisible();
  const now = useNow();
  const [replyingTo, setReplyingTo] = useState<MessageView | null>(null);
  const [focus, setFocus] = useState<{ id: string; nonce: number } | null>(null);
  const [barDismissed, setBarDismissed] = useState(false);
  const [dropping, setDropping] = useState(false);
  const [atBottom, setAtBottom] = useState(false);
  const landing = useLanding(conversationId, conversation, timeline, meId, actions.jumpTo);
  const apart = timeline?.status === "ready" ? timeline.window : undefined;
  // a window of older history is its own list (its place, its divider); reading down until it joins the
  // live end keeps that list, "Jump to latest" starts a fresh one at the end
  const listKey = useRef("live");
  if (apart) listKey.current = `window:${apart.focusId}`;

  useEffect(() => {
    actions.setActive(conversationId);
    return () => actions.setActive(null);
  }, [actions, conversationId]);

  useEffect(() => {
    // removed: nothing to ask for (it would be not found); added back: asked for afresh
    if (removed) return;
    let cancelled = false;
    setMissing(false);
    setLoadError(false);
    if (opening?.conversation.id === conversationId) {
      // the page brought them: nothing to ask for
      actions.prime(opening);
      return;
    }
    // the conversation and its newest messages are asked for together (a missing conversation
    // answers both with 404): one round trip less before the messages show
    void actions.loadTimeline(conversationId);
    actions.ensureConversation(conversationId).then(
      (c) => {
        if (!cancelled && !c) setMissing(true);
      },
      () => !cancelled && setLoadError(true),
    );
    return () => {
      cancelled = true;
    };
  }, [actions, conversationId, opening, removed]);

  const items = timeline?.status === "ready" ? timeline.items : null;
  // the read position as it was on opening, when something was unread then: the "new messages"
  // divider stays put for this visit, and messages arriving while one watches get none
  if (readSeqAtOpen.current === undefined && conversation && items) {
    const unread = items.some((m) => m.seq > conversation.lastReadSeq && m.senderId !== meId && !m.deletedAt && m.kind !== "system");
    readSeqAtOpen.current = unread ? conversation.lastReadSeq : null;
  }

  const newestSeq = items?.length ? items[items.length - 1].seq : 0;
  // open and visible means read; the divider keeps showing where the unread part began. Asked again
  // once connected: a read taken before the socket was up is only local until then.
  const connected = connection === "connected";
  useEffect(() => {
    // Landed on the first unread of more than a page (useLanding): read once "N new messages" is
    // taken or the newest message is reached, not while an older stretch is shown instead
    const landed = landing.pending || (landing.unreadAtOpen !== null && !barDismissed && !atBottom);
    if (visible && newestSeq > 0 && !apart && !landed && !removed) actions.markRead(conversationId);
  }, [actions, conversationId, visible, newestSeq, conversation?.unreadCount, connected, apart, landing.pending, landing.unreadAtOpen, barDismissed, atBottom, removed]);

  const outgoing = useMemo(() => outbox.filter((o) => o.conversationId === conversationId), [outbox, conversationId]);
  // senders who are no longer members are named by their public profile, looked up once
  const seen = useMemo(() => (items && apart ? [...apart.items, ...items] : items), [items, apart]);
  const unknown = useMemo(() => (conversation && seen ? unknownSenders(knownPeople, conversation, seen) : []), [knownPeople, conversation, seen]);
  useEffect(() => {
    if (unknown.length) actions.lookupPeople(unknown);
  }, [actions, unknown]);
  const people = useMemo(() => {
    const map: Record<string, Person> = {};
    const members = new Set(conversation?.members.map((m) => m.id));
    for (const id of (seen ?? []).flatMap(namedIn)) {
      if (members.has(id) || !(id in knownPeople)) continue;
      map[id] = knownPeople[id] ?? DELETED_USER;
    }
    for (const m of conversation?.members ?? []) map[m.id] = m;
    return map;
  }, [conversation?.members, seen, knownPeople]);

  const handles = useMemo(() => handlesToShow(conversation?.members ?? []), [conversation?.members]);
  // one receipt for the conversation, worked out once per change of its members or messages
  const members = conversation?.members;
  const group = conversation?.kind === "group";
  const receipt = useMemo(() => {
    const r = members && items ? readReceipt({ members }, items, meId) : null;
    return r && { messageId: r.messageId, group, readers: r.readers.map((m) => ({ id: m.id, displayName: m.displayName, handle: handles[m.id] })) };
  }, [members, items, meId, group, handles]);

  const mentionable = useMemo(() => (conversation ? { meId, kind: conversation.kind, members: conversation.members } : undefined), [meId, conversation?.kind, conversation?.members]); // eslint-disable-line react-hooks/exhaustive-deps
  // reactors, quoted and pinned senders: members, or the profile looked up for one who left; otherwise (or no sender) "Deleted user"
  const nameOf = useCallback(
    (id: string | null) => (id === null ? DELETED_USER.displayName : (people[id]?.displayName ?? knownPeople[id]?.displayName ?? DELETED_USER.displayName)),
    [people, knownPeople],
  );
  const typingPeople = Object.keys(typing[conversationId] ?? {})
    .filter((id) => people[id])
    .map((id) => ({ id, name: people[id].displayName, handle: handles[id] }));

  const title = conversation ? conversationTitle(conversation, meId) : "";
  useEffect(() => {
    // isolated: a right-to-left (or once-stored bidi-overriding) name cannot reorder "· Parley"
    if (!title) return;
    const wanted = `${isolate(title)} · Parley`;
    // Next writes the page's metadata title ("Conversation") after this runs on a direct load: put it
    // back whenever the title changes (TitleSync keeps its "(n) " in front of either)
    const apply = () => {
      if (document.title.replace(/^\(\d+\) /, "") !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, [title]);

  const onTyping = useCallback((t: boolean) => actions.typing(conversationId, t), [actions, conversationId]);
  const focusComposer = useCallback(() => composer.current?.focus(), []);
  // opened on purpose (a sidebar row, Ctrl+K, Alt+↑/↓, …): the composer takes the focus (./composer-focus.ts)
  useEffect(() => onComposerFocusRequest(conversationId, focusComposer), [conversationId, focusComposer]);
  // Up in the empty composer: one's newest message that is not deleted opens for editing
  const editLast = () => {
    const target = lastEditable(items ?? [], meId);
    if (!target) return false;
    setEditRequest((r) => ({ id: target.id, n: (r?.n ?? 0) + 1 }));
    return true;
  };

  // jumps to a message by seq (a reply's original, a pin): scrolled to and highlighted once shown
  const jumpTo = useCallback(
    (seq: number, id: string) => {
      void actions.jumpTo(conversationId, seq, id).then((ok) => ok && setFocus((f) => ({ id, nonce: (f?.nonce ?? 0) + 1 })));
    },
    [actions, conversationId],
  );
  // a search hit in this conversation: shown once the timeline is ready (./jump-request.ts)
  const timelineReady = items !== null;
  useEffect(() => (timelineReady ? onJumpRequest(conversationId, jumpTo) : undefined), [conversationId, jumpTo, timelineReady]);
  const messageContext = useMemo<MessageContextValue>(
    () => ({
      nameOf,
      held: (id) => seen?.find((m) => m.id === id),
      jumpToOriginal: (replyTo: ReplyPreview) => jumpTo(replyTo.seq, replyTo.id),
      reply(message) {
        setReplyingTo(message);
        document.getElementById("composer-input")?.focus();
      },
      pin: (message, pinned) => actions.pin(message.id, pinned),
    }),
    [nameOf, seen, jumpTo, actions],
  );
  const cancelReply = useCallback(() => setReplyingTo(null), []);
  const firstUnread = () => (apart?.items ?? items ?? []).find((m) => m.seq > (readSeqAtOpen.current ?? Infinity) && m.senderId !== meId && !m.deletedAt && m.kind !== "system");

  if (missing)
    return (
      <div className={styles.paneState}>
        <h1 className={headerStyles.title}>Conversation not found</h1>
        <p>It may have been deleted, or you are no longer a member.</p>
        <Link href="/">Back to conversations</Link>
      </div>
    );

  if (loadError || timeline?.status === "error")
    return (
      <div className={styles.paneState} role="alert">
        <p>Could not load this conversation.</p>
        <button
          type="button"
          className={styles.retryButton}
          onClick={() => {
            setLoadError(false);
            void actions.ensureConversation(conversationId).then((c) => c && actions.loadTimeline(conversationId), () => setLoadError(true));
          }}
        >
          Try again
        </button>
      </div>
    );

  const other = conversation?.kind === "direct" ? otherMember(conversation, meId) : undefined;
  const closed = conversation?.kind === "direct" && conversation.peerDeleted;
  const onlineCount = conversation?.members.filter((m) => m.online && m.id !== meId).length ?? 0;

  return (
    <div
      className={styles.screen}
      data-dropping={dropping || undefined}
      // files dragged over the conversation are attached to its composer when dropped (./file-drop.ts)
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes("Files") || removed) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={(e) => {
        setDropping(false);
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        dropFiles(conversationId, [...e.dataTransfer.files]);
      }}
    >
      {dropping && (
        <div className={styles.dropHint} aria-hidden="true">
          Drop files to attach them
        </div>
      )}
      <header className={headerStyles.header}>
        <Link href="/" className={headerStyles.back} aria-label="Back to conversations">
          <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
            <path d="m15 18-6-6 6-6" />
          </svg>
        </Link>
        <div className={styles.headerMeta}>
          {conversation &&
            (other ? (
              <Avatar user={other} size={36} online={presenceKnown ? other.online : undefined} />
            ) : (
              <Avatar user={closed ? DELETED_USER : { id: conversation.id, displayName: title }} size={36} />
            ))}
          <div className={styles.headerText}>
            <h1 className={styles.headerTitle} data-testid="conversation-title">
              {title || "Loading…"}
            </h1>
            {conversation && (
              <span className={styles.headerSub} data-testid="conversation-status">
                {removed ? (
                  "You are no longer a member"
                ) : closed ? (
                  "This account was deleted"
                ) : other ? (
                  // the username always shows here: it is what tells this person from a namesake
                  // while offline nobody's presence is known: the handle alone, never a stale "online"
                  <>
                      @{other.username}
                      {presenceKnown && <> · {other.online ? <span className={styles.onlineText}>online</span> : "offline"}</>}
                  </>
                ) : (
                  `${conversation.members.length} members${presenceKnown && onlineCount ? `, ${onlineCount} online` : ""}`
                )}
              </span>
            )}
          </div>
        </div>
        {conversation && !removed && <NotificationMenu level={conversation.notifications ?? "all"} onChange={(level) => actions.setNotifications(conversationId, level)} />}
        {conversation && !removed && <PinnedMessages conversationId={conversationId} count={conversation.pinnedCount} nameOf={nameOf} onJump={(m) => jumpTo(m.seq, m.id)} />}
        {conversation?.kind === "group" && !removed && (
          <button type="button" className={styles.headerButtonLabeled} onClick={() => setSettingsOpen(true)} onPointerEnter={GroupSettings.preload} onFocus={GroupSettings.preload} title="Group settings">
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
              <path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM22 21v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8" />
            </svg>
            <span className={styles.headerLabel}>Group settings</span>
          </button>
        )}
      </header>

      {landing.unreadAtOpen !== null && !barDismissed && !landing.pending && conversation && conversation.unreadCount > 0 && (
        <NewMessagesBar
          count={landing.unreadAtOpen}
          onClick={() => {
            const first = firstUnread();
            if (first) setFocus((f) => ({ id: first.id, nonce: (f?.nonce ?? 0) + 1 }));
            else if (landing.unreadAtOpen !== null) void actions.jumpTo(conversationId, conversation.lastReadSeq, null);
            actions.markRead(conversationId);
            setBarDismissed(true);
          }}
        />
      )}
      {items && conversation && !landing.pending ? (
        <ReactionsProvider meId={meId} nameOf={nameOf} react={actions.react} lookup={actions.lookupPeople}>
        <MessageContext.Provider value={messageContext}>
          <MessageList
            key={`messages:${conversationId}:${listKey.current}`}
            messages={apart?.items ?? items}
            outgoing={apart ? [] : outgoing}
            meId={meId}
            people={people}
            readSeqAtOpen={readSeqAtOpen.current ?? null}
            hasOlder={apart ? apart.hasMoreBefore : timeline!.hasOlder}
            loadingOlder={apart ? apart.loading === "older" : timeline!.loadingOlder}
            onLoadOlder={() => void (apart ? actions.loadWindowPage(conversationId, "older") : actions.loadOlder(conversationId))}
            apart={
              apart && {
                focusId: apart.focusId,
                hasNewer: apart.hasMoreAfter,
                loadingNewer: apart.loading === "newer",
                onLoadNewer: () => void actions.loadWindowPage(conversationId, "newer"),
                onJumpToLatest: () => {
                  listKey.current = "live";
                  actions.closeWindow(conversationId);
                  const newest = items[items.length - 1];
                  if (newest) setFocus((f) => ({ id: newest.id, nonce: (f?.nonce ?? 0) + 1 }));
                },
              }
            }
            focus={focus}
            onBottomChange={setAtBottom}
            onRetry={actions.retry}
            onDiscard={actions.discard}
            onEdit={actions.edit}
            onDelete={actions.remove}
            receipt={receipt}
            onEscape={focusComposer}
            editRequest={editRequest}
            now={now}
          />
        </MessageContext.Provider>
        </ReactionsProvider>
      ) : (
        <div className={styles.skeletonMessages} aria-busy="true" aria-label="Loading messages">
          {[140, 220, 180, 260, 120].map((w, i) => (
            <div key={i} className={msgStyles.skeletonRow}>
              <span style={{ width: w }} />
            </div>
          ))}
        </div>
      )}

      <div className={styles.typing} aria-live="polite" data-testid="typing-line">
        {typingLine(typingPeople)}
      </div>
      {closed ? (
        <p className={styles.closedNotice} role="status" data-testid="conversation-closed">
          This account was deleted. You can read this conversation, but nobody will get new messages in it.
        </p>
      ) : removed ? (
        <Suspense fallback={null}>
          <RemovedNotice by={people[departure!.by]?.displayName} title={title} />
        </Suspense>
      ) : (
        <>
          {replyingTo && (
            <Suspense fallback={null}>
              <ReplyBar message={replyingTo} name={nameOf(replyingTo.senderId)} onCancel={cancelReply} />
            </Suspense>
          )}
          <Composer
            // the draft is kept on this device, unknown to the server's HTML: the composer takes it once
            // hydrated, into the same field (a new one would drop what was typed in between)
            key={`composer:${conversationId}`}
            initialDraft={hydrated ? actions.getDraft(conversationId) : ""}
            placeholder={conversation?.kind === "direct" ? `Message ${isolate(title.split(" ")[0])}` : "Message the group"}
            onDraftChange={(t) => actions.setDraft(conversationId, t)}
            onTyping={onTyping}
            conversationId={conversationId}
            onSend={(body, attachments) => {
              actions.send(conversationId, body, replyingTo?.id, attachments);
              setReplyingTo(null);
            }}
            mentionable={mentionable}
            onEditLast={editLast}
            inputRef={composer}
          />
        </>
      )}
      {settingsOpen && conversation && !removed && <GroupSettings conversation={conversation} onClose={() => setSettingsOpen(false)} />}
    </div>
  );
}
