"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { Avatar } from "@/components/Avatar";
import { DIRECTORY_PAGE, DIRECTORY_QUERY_MAX } from "@/lib/people/rules";
import type { PublicUser } from "@/lib/people/types";
import styles from "./People.module.scss";

const DEBOUNCE_MS = 250;

interface PageState {
  users: PublicUser[];
  nextCursor: string | null;
  status: "loading" | "ready" | "error" | "loading-more";
}

async function fetchPage(q: string, cursor: string | null, signal?: AbortSignal) {
  const params = new URLSearchParams({ q, limit: String(DIRECTORY_PAGE.default) });
  if (cursor) params.set("cursor", cursor);
  const res = await fetch(`/api/users?${params}`, { signal });
  if (!res.ok) throw new Error(`directory answered ${res.status}`);
  return (await res.json()) as { users: PublicUser[]; nextCursor: string | null };
}

/** The directory: search as you type (debounced), then more results as you scroll. */
export function PeopleSearch({ meId }: { meId: string }) {
  const [query, setQuery] = useState("");
  const [settled, setSettled] = useState("");
  const [page, setPage] = useState<PageState>({ users: [], nextCursor: null, status: "loading" });
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const t = setTimeout(() => setSettled(query.trim()), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [query]);

  const load = useCallback((q: string, signal?: AbortSignal) => {
    setPage({ users: [], nextCursor: null, status: "loading" });
    fetchPage(q, null, signal).then(
      (r) => setPage({ ...r, status: "ready" }),
      (err) => {
        if ((err as Error).name !== "AbortError") setPage({ users: [], nextCursor: null, status: "error" });
      },
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(settled, controller.signal);
    return () => controller.abort();
  }, [settled, load]);

  const loadMore = useCallback(() => {
    if (page.status !== "ready" || !page.nextCursor) return;
    setPage((p) => ({ ...p, status: "loading-more" }));
    fetchPage(settled, page.nextCursor).then(
      (r) => setPage((p) => ({ users: [...p.users, ...r.users], nextCursor: r.nextCursor, status: "ready" })),
      () => setPage((p) => ({ ...p, status: "ready" })),
    );
  }, [page, settled]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !page.nextCursor) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore());
    io.observe(el);
    return () => io.disconnect();
  }, [page.nextCursor, loadMore]);

  return (
    <div className={styles.people}>
      <div className={styles.searchRow}>
        <label htmlFor="people-search" className="visually-hidden">
          Search people
        </label>
        <input
          id="people-search"
          type="search"
          className={styles.search}
          placeholder="Search by name or username"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          maxLength={DIRECTORY_QUERY_MAX}
          autoComplete="off"
          spellCheck={false}
        />
      </div>

      {page.status === "loading" && (
        <ul className={styles.list} aria-busy="true" aria-label="Loading people">
          {Array.from({ length: 6 }, (_, i) => (
            <li key={i} className={styles.skeleton} />
          ))}
        </ul>
      )}

      {page.status === "error" && (
        <div className={styles.state} role="alert">
          <p>Could not load people.</p>
          <button type="button" className={styles.moreButton} onClick={() => load(settled)}>
            Try again
          </button>
        </div>
      )}

      {(page.status === "ready" || page.status === "loading-more") && page.users.length === 0 && (
        <div className={styles.state} role="status">
          {settled ? <p>
              No one matches “<bdi>{settled}</bdi>”.
            </p> : <p>No one else is here yet. Invite someone to sign up!</p>}
        </div>
      )}

      {page.users.length > 0 && (
        <ul className={styles.list} aria-label="People" data-testid="people-results">
          {page.users.map((u) => (
            <li key={u.id}>
              <Link href={`/u/${u.username}`} className={styles.row}>
                <Avatar user={u} size={40} />
                <span className={styles.rowText}>
                  <span className={styles.rowName}>
                    <bdi>{u.displayName}</bdi>
                    {u.id === meId && <span className={styles.you}> (you)</span>}
                  </span>
                  <span className={styles.rowHandle}>@{u.username}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}

      {page.nextCursor && (
        <div ref={sentinel} className={styles.more}>
          <button type="button" className={styles.moreButton} onClick={loadMore} disabled={page.status === "loading-more"}>
            {page.status === "loading-more" ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </div>
  );
}
