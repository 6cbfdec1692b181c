"use client";
/** Hooks per concern: each component reads the slices it shows and renders again only when they change. */
import type { ConversationView } from "@/lib/conversations/types";
import type { PublicUser } from "@/lib/people/types";
import type { Departure } from "../client/departures";
import type { ChatState, OutgoingMessage, Timeline } from "../client/state";
import { presenceKnown } from "../client/selectors";
import { useChatSelector } from "./useChat";

/** The signed-in user's id. */
export function useMeId(): string {
  return useChatSelector((s) => s.meId);
}

/** Every conversation the user is in, by id. */
export function useConversations(): Record<string, ConversationView> {
  return useChatSelector((s) => s.conversations);
}

/** Whether the conversation list has loaded. */
export function useListStatus(): ChatState["listStatus"] {
  return useChatSelector((s) => s.listStatus);
}

/** One conversation, or undefined while it is not (yet) in the list. */
export function useConversation(conversationId: string): ConversationView | undefined {
  return useChatSelector((s) => s.conversations[conversationId]);
}

/** What the page keeps of a conversation one was removed from while it was open (client/departures.ts), if any. */
export function useDeparture(conversationId: string): Departure | undefined {
  return useChatSelector((s) => s.departed[conversationId]);
}

/** A conversation's loaded messages, or undefined before it is opened. */
export function useTimeline(conversationId: string): Timeline | undefined {
  return useChatSelector((s) => s.timelines[conversationId]);
}

/** Messages on their way (pending or failed), for every conversation. */
export function useOutbox(): OutgoingMessage[] {
  return useChatSelector((s) => s.outbox);
}

/** Public profiles the client knows, by id (members and looked-up senders). */
export function usePeople(): Record<string, PublicUser | null> {
  return useChatSelector((s) => s.people);
}

/** The realtime connection's state (the banner and "reconnecting" hints). */
export function useConnection(): ChatState["connection"] {
  return useChatSelector((s) => s.connection);
}

/** Who is typing where: conversationId → userId → expiry (ms). */
export function useTyping(): ChatState["typing"] {
  return useChatSelector((s) => s.typing);
}

const NO_DRAFTS: ChatState["drafts"] = {};

/**
 * Saved drafts by conversation (never blank), kept on this device: none while hydrating the
 * server's HTML, which could not know them.
 */
export function useDrafts(): ChatState["drafts"] {
  return useChatSelector((s) => s.drafts, () => NO_DRAFTS);
}

/**
 * Whether members' presence can be shown (client/selectors.ts presenceKnown): false while the socket
 * is down, when a member shows neither online nor offline (Avatar `online={undefined}`: no dot).
 */
export function usePresenceKnown(): boolean {
  return useChatSelector(presenceKnown);
}
