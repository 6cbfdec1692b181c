/** How a conversation view from the server is taken over the one held. Pure. */
import type { ConversationView } from "@/lib/conversations/types";
import type { ChatState } from "./state";
import { isStaleView } from "./unread";

/**
 * A conversation's view from the server (the list, `conversation:new` / `:updated`) over the one held.
 * A view taken before changes this client has already applied (a live message or a read that
 * overtook the fetch: `isStaleView`) brings its title, members and role, but the positions, the
 * unread counts (messages and mentions) and the last message stay the held ones — else the stale count undid live news (a
 * badge that never showed "2"). Otherwise the view wins, except for a newer last message held.
 * Members (with their read positions) are always the view's: `markRead` compares one's own stored
 * position with the server's, so a locally raised one must not survive a fetched view.
 */
export function mergeView(held: ConversationView | undefined, view: ConversationView): ConversationView {
  if (!held) return view;
  if (isStaleView(held, view)) {
    return { ...view, lastSeq: held.lastSeq, lastReadSeq: held.lastReadSeq, unreadCount: held.unreadCount, unreadMentions: held.unreadMentions, lastMessage: held.lastMessage };
  }
  if (held.lastMessage && (!view.lastMessage || held.lastMessage.seq > view.lastMessage.seq)) return { ...view, lastMessage: held.lastMessage, lastSeq: Math.max(view.lastSeq, held.lastSeq) };
  return view;
}

/** `countedTo` after taking `view` over `held`: raised to the view's end unless the view is stale (mergeView). */
export function noteCounted(countedTo: ChatState["countedTo"], held: ConversationView | undefined, view: ConversationView): ChatState["countedTo"] {
  if (held && isStaleView(held, view)) return countedTo;
  if ((countedTo[view.id] ?? 0) >= view.lastSeq) return countedTo;
  return { ...countedTo, [view.id]: view.lastSeq };
}
