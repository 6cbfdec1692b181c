"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, type KeyboardEvent } from "react";
import { Avatar } from "@/components/Avatar";
import { useConversations, useMeId } from "../hooks/useChatState";
import { Dialog } from "../Dialog";
import { conversationHandles, otherMember } from "../client/names";
import { DELETED_USER } from "../client/people";
import { PersonName } from "../PersonName";
import { requestComposerFocus } from "../conversation/composer-focus";
import { rankConversations } from "./switcher-rank";
import styles from "../Dialog.module.scss";

/**
 * Ctrl/Cmd+K: type part of a name, arrows to choose, Enter (or a click) to open, with the focus in
 * its composer. What is listed, in which order: ./switcher-rank.ts `rankConversations`.
 */
export function Switcher({ onClose }: { onClose(): void }) {
  const meId = useMeId();
  const conversations = useConversations();
  const router = useRouter();
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);
  const handles = useMemo(() => conversationHandles(Object.values(conversations), meId), [conversations, meId]);
  const matches = useMemo(() => rankConversations(conversations, meId, query).map(({ conversation: c, title }) => ({ c, title })), [conversations, meId, query]);
  const current = Math.min(index, Math.max(0, matches.length - 1));

  function open(id: string) {
    onClose();
    requestComposerFocus(id);
    router.push(`/c/${id}`);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setIndex((current + 1) % Math.max(1, matches.length));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setIndex((current - 1 + matches.length) % Math.max(1, matches.length));
    } else if (e.key === "Enter" && matches[current]) {
      e.preventDefault();
      open(matches[current].c.id);
    }
  }

  return (
    <Dialog title="Go to conversation" onClose={onClose}>
      <div className={styles.picker}>
        <label htmlFor="switcher-input" className="visually-hidden">
          Conversation name
        </label>
        <input
          id="switcher-input"
          className={styles.input}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={onKeyDown}
          placeholder="Type a name"
          autoComplete="off"
          autoFocus
          role="combobox"
          aria-expanded="true"
          aria-controls="switcher-list"
          aria-activedescendant={matches[current] ? `switch-${matches[current].c.id}` : undefined}
        />
        {matches.length === 0 ? (
          <p className={styles.note}>No conversation matches.</p>
        ) : (
          <ul id="switcher-list" role="listbox" className={styles.people} aria-label="Conversations">
            {matches.map(({ c, title }, i) => {
              const other = c.kind === "direct" ? otherMember(c, meId) : undefined;
              return (
                // the option itself takes the click (no button inside: an option holds no other control);
                // mousedown keeps the focus in the input, which carries the choice
                <li
                  key={c.id}
                  id={`switch-${c.id}`}
                  role="option"
                  aria-selected={i === current}
                  className={styles.person}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => open(c.id)}
                >
                  <Avatar user={other ?? (c.kind === "direct" ? DELETED_USER : { id: c.id, displayName: title })} size={28} />
                  <span className={styles.personText}>
                    <span className={styles.personName}>
                      <PersonName name={title} handle={handles[c.id]} fit />
                    </span>
                  </span>
                  {c.unreadCount > 0 && <span className={styles.role}>{c.unreadCount} unread</span>}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
