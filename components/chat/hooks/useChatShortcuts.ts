"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { dialogOpen } from "@/components/useEscapeLayer";
import { adjacentConversation } from "../client/selectors";
import { requestComposerFocus } from "../conversation/composer-focus";
import { useConversations } from "./useChatState";

/**
 * The page-wide chat keys (docs/chat-ui.md, "Keyboard"):
 * - Ctrl/Cmd+K: `openSwitcher` (also over a dialog: the switcher opens on top of it).
 * - Ctrl/Cmd+Shift+F, or "/" outside a text field: `openSearch` (message search), unless a dialog is open.
 * - Alt+↑ / Alt+↓: the conversation above / below the open one in the sidebar's order
 *   (client/selectors.ts `adjacentConversation`: stops at the ends), its composer focused. Quiet
 *   while a dialog is open, and in a message's edit box (leaving would drop the edit).
 * `activeId` is the open conversation (null on the list page).
 */
export function useChatShortcuts(activeId: string | null, openSwitcher: () => void, openSearch: () => void): void {
  const router = useRouter();
  const conversations = useConversations();
  const latest = useRef({ conversations, activeId, openSwitcher, openSearch, router });
  latest.current = { conversations, activeId, openSwitcher, openSearch, router };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const now = latest.current;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        now.openSwitcher();
        return;
      }
      const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
      const searchKey = ((e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.key.toLowerCase() === "f") || (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing);
      if (searchKey && !dialogOpen()) {
        e.preventDefault();
        now.openSearch();
        return;
      }
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (dialogOpen() || (target?.tagName === "TEXTAREA" && target.closest("[data-message-key]"))) return;
      e.preventDefault();
      const id = adjacentConversation(now.conversations, now.activeId, e.key === "ArrowUp" ? -1 : 1);
      if (!id) return;
      requestComposerFocus(id);
      now.router.push(`/c/${id}`);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
