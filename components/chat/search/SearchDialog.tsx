"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { graphemes } from "@/lib/platform/text-length";
import { filesLabel } from "@/lib/attachments/rules";
import { MATCH_END, MATCH_START, SEARCH_QUERY_MAX } from "@/lib/search/rules";
import { Dialog } from "../Dialog";
import { searchMessages, type SearchHit, type SearchParams } from "../client/api";
import { conversationTitle } from "../client/names";
import { DELETED_USER } from "../client/people";
import { useConversations, useMeId, usePeople } from "../hooks/useChatState";
import { useNow, useTimeZone } from "../hooks/useNow";
import { requestJump } from "../conversation/jump-request";
import { fullTime, relativeTime } from "../messages/format";
import dialogStyles from "../Dialog.module.scss";
import styles from "./Search.module.scss";

/** How long typing pauses before the search runs, in ms (Enter runs it at once). */
const TYPING_PAUSE_MS = 300;
/** Characters of a long body shown before its first match. */
const LEAD = 40;

/** `stale`: the query changed and its answer has not come yet (the old hits stay, dimmed: no flicker while typing). */
type Status = { kind: "idle" } | { kind: "loading" } | { kind: "error"; message: string } | { kind: "done"; hits: SearchHit[]; nextCursor: string | null; more: boolean; stale: boolean; query: SearchParams };

/**
 * A hit's text as React nodes: `highlight`'s marked stretches as <mark>, the rest as text (never HTML).
 * A body whose first match lies far in starts a little before it, after an ellipsis, cut on a grapheme boundary.
 */
export function highlightParts(highlight: string): ReactNode[] {
  let text = highlight.replace(/\s+/g, " ");
  const first = text.indexOf(MATCH_START);
  if (first > LEAD * 2) {
    // the cut falls on a grapheme boundary (DESIGN Text rules): never half a flag, an emoji or a letter's accents
    let cut = 0;
    for (const g of graphemes(text)) {
      if (cut + g.length > first - LEAD) break;
      cut += g.length;
    }
    const space = text.indexOf(" ", cut);
    text = "…" + text.slice(space >= 0 && space < first ? space + 1 : cut);
  }
  const parts: ReactNode[] = [];
  let i = 0;
  for (const piece of text.split(MATCH_START)) {
    const end = piece.indexOf(MATCH_END);
    if (end < 0 || i === 0) parts.push(piece.replaceAll(MATCH_END, ""));
    else parts.push(<mark key={i}>{piece.slice(0, end)}</mark>, piece.slice(end + 1).replaceAll(MATCH_END, ""));
    i++;
  }
  return parts;
}

/**
 * Search every conversation one is in (issue 14, item 8; docs/chat-ui.md, "Search"): words,
 * "phrases" and -exclusions, filters for a conversation, a sender and dates; results newest first,
 * grouped by conversation as they come, matches marked. A hit opens its conversation at the message
 * (loaded `around` it) and highlights it. Opened by the sidebar's button, Ctrl+Shift+F or "/".
 */
export function SearchDialog({ onClose, activeId }: { onClose(): void; activeId: string | null }) {
  const meId = useMeId();
  const conversations = useConversations();
  const people = usePeople();
  const router = useRouter();
  const now = useNow();
  const timeZone = useTimeZone();
  const [params, setParams] = useState<SearchParams>({ q: "" });
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const request = useRef<AbortController | null>(null);
  const ready = params.q.trim() !== "" || !!(params.conversationId || params.from || params.after || params.before);

  function run(p: SearchParams, cursor?: string) {
    request.current?.abort();
    const controller = (request.current = new AbortController());
    if (!cursor) setStatus({ kind: "loading" });
    else setStatus((s) => (s.kind === "done" ? { ...s, more: true } : s));
    searchMessages({ ...p, cursor }, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setStatus((s) => ({ kind: "done", hits: cursor && s.kind === "done" ? [...s.hits, ...page.results] : page.results, nextCursor: page.nextCursor, more: false, stale: false, query: p }));
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setStatus({ kind: "error", message: err instanceof Error ? err.message : "Search failed" });
      },
    );
  }

  // a pause in typing runs the search; each change cancels the one before
  useEffect(() => {
    if (!ready) {
      request.current?.abort();
      setStatus({ kind: "idle" });
      return;
    }
    setStatus((s) => (s.kind === "done" ? { ...s, stale: true } : { kind: "loading" }));
    const timer = setTimeout(() => run(params), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [params, ready]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => request.current?.abort(), []);

  const options = useMemo(
    () => Object.values(conversations).map((c) => ({ id: c.id, title: conversationTitle(c, meId) })).sort((a, b) => a.title.localeCompare(b.title)),
    [conversations, meId],
  );
  const senderName = (hit: SearchHit) => {
    const id = hit.message.senderId;
    if (id === null) return DELETED_USER.displayName;
    return conversations[hit.conversation.id]?.members.find((m) => m.id === id)?.displayName ?? people[id]?.displayName ?? DELETED_USER.displayName;
  };
  const titleOf = (hit: SearchHit) => {
    const c = conversations[hit.conversation.id];
    return c ? conversationTitle(c, meId) : (hit.conversation.title ?? "Direct message");
  };

  function open(hit: SearchHit) {
    onClose();
    requestJump(hit.conversation.id, hit.message.seq, hit.message.id);
    if (hit.conversation.id !== activeId) router.push(`/c/${hit.conversation.id}`);
  }

  const set = (patch: Partial<SearchParams>) => setParams((p) => ({ ...p, ...patch }));
  // consecutive hits of one conversation under one heading
  const groups: { key: string; title: string; hits: SearchHit[] }[] = [];
  if (status.kind === "done") {
    for (const hit of status.hits) {
      const last = groups.at(-1);
      if (last && last.hits[0].conversation.id === hit.conversation.id) last.hits.push(hit);
      else groups.push({ key: hit.message.id, title: titleOf(hit), hits: [hit] });
    }
  }
  const filterCount = [params.conversationId, params.from, params.after, params.before].filter(Boolean).length;

  return (
    <Dialog title="Search messages" onClose={onClose} wide>
      <form
        className={styles.form}
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) run(params);
        }}
      >
        <div className={styles.queryRow}>
          <label htmlFor="search-input" className="visually-hidden">
            Search for
          </label>
          <input
            id="search-input"
            className={dialogStyles.input}
            type="search"
            value={params.q}
            maxLength={SEARCH_QUERY_MAX}
            onChange={(e) => set({ q: e.target.value })}
            placeholder='Words, "a phrase", -not'
            autoComplete="off"
            enterKeyHint="search"
            autoFocus
            data-testid="search-input"
          />
          <button type="button" className={styles.filterToggle} aria-expanded={filtersOpen} aria-controls="search-filters" onClick={() => setFiltersOpen((o) => !o)}>
            Filters{filterCount > 0 ? ` (${filterCount})` : ""}
          </button>
        </div>
        <div id="search-filters" className={styles.filters} hidden={!filtersOpen}>
          <label className={styles.filter}>
            <span>In</span>
            <select className={dialogStyles.input} value={params.conversationId ?? ""} onChange={(e) => set({ conversationId: e.target.value || undefined })} data-testid="search-in">
              <option value="">All conversations</option>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.title}
                </option>
              ))}
            </select>
          </label>
          <label className={styles.filter}>
            <span>From</span>
            <input className={dialogStyles.input} value={params.from ?? ""} onChange={(e) => set({ from: e.target.value.trim() || undefined })} placeholder="username" autoComplete="off" autoCapitalize="none" spellCheck={false} data-testid="search-from" />
          </label>
          <label className={styles.filter}>
            <span>After</span>
            <input className={dialogStyles.input} type="date" value={params.after ?? ""} onChange={(e) => set({ after: e.target.value || undefined })} data-testid="search-after" />
          </label>
          <label className={styles.filter}>
            <span>Before</span>
            <input className={dialogStyles.input} type="date" value={params.before ?? ""} onChange={(e) => set({ before: e.target.value || undefined })} data-testid="search-before" />
          </label>
        </div>
      </form>
      <div className={styles.results} aria-live="polite" aria-busy={status.kind === "loading" || (status.kind === "done" && (status.stale || status.more))} data-stale={status.kind === "done" && status.stale} data-testid="search-results">
        {status.kind === "idle" && <p className={dialogStyles.note}>Search every conversation you are in. Put a phrase in quotes; put - before a word to leave it out.</p>}
        {status.kind === "loading" && <p className={dialogStyles.note}>Searching…</p>}
        {status.kind === "error" && (
          <p className={dialogStyles.note} role="alert">
            {status.message}
          </p>
        )}
        {status.kind === "done" && status.hits.length === 0 && <p className={dialogStyles.note}>No messages match.</p>}
        {groups.map((g) => (
          <section key={g.key} className={styles.group} aria-label={g.title}>
            <h3 className={styles.groupTitle}>
              <bdi>{g.title}</bdi>
            </h3>
            <ul className={styles.hits}>
              {g.hits.map((hit) => (
                <li key={hit.message.id}>
                  <button type="button" className={styles.hit} onClick={() => open(hit)} data-testid="search-hit">
                    <span className={styles.meta}>
                      <bdi className={styles.sender}>{senderName(hit)}</bdi>
                      <time dateTime={hit.message.createdAt} title={fullTime(hit.message.createdAt, timeZone)}>
                        {relativeTime(hit.message.createdAt, now, timeZone)}
                      </time>
                    </span>
                    <bdi className={styles.text}>
                      {/* a message of files alone (found by a file's name or a filter): named by its files */}
                      {hit.message.body === "" && hit.message.attachments.length ? filesLabel(hit.message.attachments.map((a) => a.name)) : highlightParts(hit.highlight)}
                    </bdi>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        {status.kind === "done" && status.nextCursor && (
          <button type="button" className={styles.more} disabled={status.more || status.stale} onClick={() => run(status.query, status.nextCursor!)}>
            {status.more ? "Loading…" : "More results"}
          </button>
        )}
      </div>
    </Dialog>
  );
}
