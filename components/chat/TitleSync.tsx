"use client";

import { useEffect } from "react";

const PREFIX = /^\(\d+\) /;

/** Puts the unread total in front of the tab title, e.g. "(3) Parley", and keeps it there across navigations. */
export function TitleSync({ unread }: { unread: number }) {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(PREFIX, "");
      const wanted = unread > 0 ? `(${unread}) ${base}` : base;
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    // Next rewrites the <title> on navigation; put the count back each time
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = document.title.replace(PREFIX, "");
    };
  }, [unread]);
  return null;
}
