/**
 * Whether what is inside a message (its links, code Copy buttons, reaction chips and buttons) is in
 * the tab order: only in the message list's current message (docs/chat-ui.md, "Keyboard"), so Tab
 * crosses the list in one stop. MessageItem provides it; anything focusable inside a message takes
 * `tabIndex={useInnerTabIndex()}`. Outside a message list everything stays tabbable.
 */
import { createContext, useContext } from "react";

export const InnerTabStops = createContext(true);

/** `tabIndex` for a focusable inside a message: undefined (natural order) in the current one, else -1. */
export function useInnerTabIndex(): -1 | undefined {
  return useContext(InnerTabStops) ? undefined : -1;
}
