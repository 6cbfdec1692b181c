"use client";

import { useEffect, useId, useState } from "react";
import { Avatar } from "@/components/Avatar";
import { DIRECTORY_QUERY_MAX } from "@/lib/people/rules";
import type { PublicUser } from "@/lib/people/types";
import { chatApi } from "../client/api";
import styles from "../Dialog.module.scss";

interface PersonPickerProps {
  meId: string;
  /** ids that cannot be picked (already members) */
  exclude?: string[];
  /** multi-select: the chosen ids; single-select when absent */
  selected?: PublicUser[];
  onPick(user: PublicUser): void;
  label?: string;
}

/** Searches the directory as you type and lists people to pick. */
export function PersonPicker({ meId, exclude = [], selected, onPick, label = "Search people" }: PersonPickerProps) {
  const [query, setQuery] = useState("");
  const [state, setState] = useState<{ status: "loading" | "ready" | "error"; users: PublicUser[] }>({ status: "loading", users: [] });
  const [attempt, setAttempt] = useState(0);
  const inputId = useId();

  useEffect(() => {
    const controller = new AbortController();
    const t = setTimeout(() => {
      setState((s) => ({ ...s, status: "loading" }));
      chatApi.searchUsers(query.trim(), controller.signal).then(
        ({ users }) => setState({ status: "ready", users }),
        (err) => (err as Error).name !== "AbortError" && setState({ status: "error", users: [] }),
      );
    }, 200);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
  }, [query, attempt]);

  const chosen = new Set(selected?.map((u) => u.id));
  const shown = state.users.filter((u) => u.id !== meId && !exclude.includes(u.id));

  return (
    <div className={styles.picker}>
      <label htmlFor={inputId} className={styles.label}>
        {label}
      </label>
      <input
        id={inputId}
        type="search"
        className={styles.input}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Name or username"
        autoComplete="off"
        spellCheck={false}
        maxLength={DIRECTORY_QUERY_MAX}
        autoFocus
      />
      <div className={styles.results} aria-busy={state.status === "loading"}>
        {state.status === "error" && (
          <p className={styles.note} role="alert">
            Could not search.{" "}
            <button type="button" className={styles.linkButton} onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </p>
        )}
        {state.status === "ready" && shown.length === 0 && <p className={styles.note}>{query.trim() ? <>No one matches “<bdi>{query.trim()}</bdi>”.</> : "No one else is here yet."}</p>}
        {state.status === "loading" && shown.length === 0 && (
          <ul className={styles.people} aria-label="Loading people">
            {[0, 1, 2].map((i) => (
              <li key={i} className={styles.skeleton} />
            ))}
          </ul>
        )}
        {shown.length > 0 && (
          <ul className={styles.people} aria-label="People">
            {shown.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  className={styles.person}
                  onClick={() => onPick(u)}
                  aria-pressed={selected ? chosen.has(u.id) : undefined}
                  data-testid="pick-person"
                >
                  <Avatar user={u} size={32} />
                  <span className={styles.personText}>
                    <span className={styles.personName}>
                      <bdi>{u.displayName}</bdi>
                    </span>
                    <span className={styles.personHandle}>@{u.username}</span>
                  </span>
                  {selected && (
                    <span className={styles.check} aria-hidden="true">
                      {chosen.has(u.id) ? "✓" : "+"}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
