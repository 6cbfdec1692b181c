"use client";

import { createContext, useContext, useMemo, type ReactNode } from "react";

/** What the reaction chips and the add button need from the conversation around them. */
export interface ReactionsApi {
  meId: string;
  /** a person's display name; "Deleted user" for an id nobody knows */
  nameOf(userId: string): string;
  /** adds (`on`) or removes one's reaction; null when done, else the reason to show */
  react(messageId: string, emoji: string, on: boolean): Promise<string | null>;
  /** asks for the profiles of reactors who are not members (shown once known) */
  lookup(userIds: string[]): void;
}

const Context = createContext<ReactionsApi | null>(null);

/** Gives the messages below it what reactions need; mounted once around the message list (ConversationScreen). */
export function ReactionsProvider({ meId, nameOf, react, lookup, children }: ReactionsApi & { children: ReactNode }) {
  const value = useMemo(() => ({ meId, nameOf, react, lookup }), [meId, nameOf, react, lookup]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The nearest ReactionsProvider's api; null outside one (reactions then do not show). */
export function useReactions(): ReactionsApi | null {
  return useContext(Context);
}
