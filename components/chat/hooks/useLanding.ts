"use client";

import { useEffect, useRef, useState } from "react";
import type { ConversationView } from "@/lib/conversations/types";
import type { Timeline } from "../client/state";
import type { ChatActions } from "../client/actions";

export interface Landing {
  /** opening needs the page around the read position, and it has not come yet (show the skeleton) */
  pending: boolean;
  /** the unread count when opened on more than the loaded page holds, else null (no "N new messages" bar) */
  unreadAtOpen: number | null;
}

/**
 * Issue 13, item 9: a conversation opened with more unread messages than its loaded page holds
 * lands on the first unread, in the page loaded `around` the read position (client/window.ts),
 * instead of at the top of the newest page (where a divider would sit above the wrong message).
 * Decided once per visit, on the first render that has both the conversation and its timeline.
 */
export function useLanding(conversationId: string, conversation: ConversationView | undefined, timeline: Timeline | undefined, meId: string, jumpTo: ChatActions["jumpTo"]): Landing {
  const decided = useRef<{ lastReadSeq: number; unread: number } | null | undefined>(undefined);
  const [arrived, setArrived] = useState(false);
  if (decided.current === undefined && conversation && timeline?.status === "ready") {
    const { lastReadSeq, unreadCount } = conversation;
    const held = timeline.items.filter((m) => m.seq > lastReadSeq && m.senderId !== meId && !m.deletedAt).length;
    decided.current = timeline.hasOlder && !timeline.window && unreadCount > held ? { lastReadSeq, unread: unreadCount } : null;
  }
  const target = decided.current;
  useEffect(() => {
    if (!target) return;
    void jumpTo(conversationId, target.lastReadSeq, null).finally(() => setArrived(true));
  }, [conversationId, target, jumpTo]);
  return { pending: !!target && !arrived, unreadAtOpen: target?.unread ?? null };
}
