"use client";

import { useMemo, type ReactNode } from "react";
import { useOptionalChatSelector } from "../hooks/useChat";
import { findMentions, mentionParts, type MentionContext, type MentionSpan } from "./mention-parts";
import styles from "./Mention.module.scss";

const NO_SPANS: MentionSpan[] = [];

/**
 * Who can be named in `conversationId`: the reader, and the usernames of its members and of the
 * people the page looked up (senders who left), from the chat store; null outside it.
 */
function useMentionContext(conversationId: string | undefined): MentionContext | null {
  const meId = useOptionalChatSelector((s) => s.meId);
  const members = useOptionalChatSelector((s) => (conversationId ? s.conversations[conversationId]?.members : undefined));
  const people = useOptionalChatSelector((s) => s.people);
  return useMemo(() => {
    if (!meId) return null;
    // no prototype: a member named "__proto__" or "constructor" is a plain key like any other
    const ids: Record<string, string> = Object.create(null);
    for (const p of Object.values(people ?? {})) if (p) ids[p.username.toLowerCase()] = p.id;
    for (const m of members ?? []) ids[m.username.toLowerCase()] = m.id;
    return { meId, ids };
  }, [meId, members, people]);
}

/**
 * The mentions of a whole body (mention-parts.ts `findMentions`), for its text runs to share: only
 * those the server resolved (`mentions`), never inside code. None outside the chat.
 */
export function useMentionSpans(body: string, mentions: readonly string[] | undefined, conversationId: string | undefined): MentionSpan[] {
  const ctx = useMentionContext(conversationId);
  return useMemo(() => (ctx && mentions?.length ? findMentions(body, mentions, ctx) : NO_SPANS), [ctx, body, mentions]);
}

/**
 * A run of message text that starts at `offset` in its body, with the body's mention `spans`
 * highlighted: one of the reader (or `@all`) tinted, others in the accent colour. Plain text only,
 * never HTML.
 */
export function MentionText({ text, offset = 0, spans }: { text: string; offset?: number; spans: MentionSpan[] }) {
  if (!spans.length) return <>{text}</>;
  return (
    <>
      {mentionParts(text, spans, offset).map((p, i) =>
        p.kind === "text" ? (
          p.text
        ) : (
          <span key={i} className={styles.mention} data-mention={p.of} data-testid="mention">
            {p.text}
          </span>
        ),
      )}
    </>
  );
}

/**
 * For the Markdown renderer (MessageBody's `renderText`): each plain text run of the message (never
 * code or a link: markup/ keeps those apart) with the server-resolved mentions in it highlighted.
 * undefined when nothing can be highlighted (no mentions, or outside the chat).
 */
export function useMentionRenderer(mentions: readonly string[] | undefined, conversationId: string | undefined): ((text: string, key: string) => ReactNode) | undefined {
  const ctx = useMentionContext(conversationId);
  return useMemo(() => {
    if (!ctx || !mentions?.length) return undefined;
    return function renderMentions(text: string) {
      return <MentionText text={text} spans={findMentions(text, mentions, ctx)} />;
    };
  }, [ctx, mentions]);
}
