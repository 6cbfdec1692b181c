/**
 * A stretch of older history viewed away from the live end (issue 13, items 2 and 9): the page
 * `around` a reply's original, a pinned message or the first unread, when the loaded timeline does
 * not reach back to it. Pure.
 *
 * The timeline keeps its own items (the newest loaded run, which live messages keep extending) and
 * its cursor; the window is a second, separate run of `items` with a gap between it and the
 * timeline (nothing is spliced across the gap). So:
 * - live messages and `sync` answers land in the timeline as always (a new message is always at the
 *   live end) and the cursor moves exactly as without a window: a window page never moves it, since
 *   it proves nothing about positions after it;
 * - a change to a message held in the window (an edit, a delete, a pin, a reply's original) is
 *   applied to the window too (./timeline.ts), and changes that came while a window page was on its
 *   way are taken from the timeline's `outside` list when the page lands;
 * - loading newer pages of the window until one reaches the timeline joins the two into one run and
 *   drops the window; "Jump to latest" drops it.
 */
import type { MessageView } from "@/lib/messages/types";
import type { Timeline, TimelineWindow } from "./state";
import { mergeMessages } from "./merge";

/** A page of the window as it came from GET …/messages (around, before or after). */
export interface WindowPage {
  messages: MessageView[];
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
}

/** Whether the window holds the message with this id. */
export function inWindow(timeline: Timeline | undefined, id: string): boolean {
  return !!timeline?.window?.items.some((m) => m.id === id);
}

/** Whether `seq` lies inside the window's run (so a change to that message belongs to it). */
export function withinWindow(window: TimelineWindow | undefined, seq: number): boolean {
  if (!window?.items.length) return false;
  return seq >= window.items[0].seq && seq <= window.items[window.items.length - 1].seq;
}

/** Changes held elsewhere in the timeline (newer revisions that came live) for the messages of `page`'s range. */
function newerCopies(timeline: Timeline, first: number, last: number): MessageView[] {
  return [...timeline.items, ...(timeline.outside ?? [])].filter((m) => m.seq >= first && m.seq <= last);
}

/**
 * The timeline with the window `page` open. When the page reaches the loaded run (it is the
 * conversation's end, or its newest message is at or after the run's oldest), nothing is apart:
 * the page joins the run and no window is kept.
 */
export function openWindow(timeline: Timeline, page: WindowPage, focusId: string | null): Timeline {
  const { messages } = page;
  if (!messages.length) return { ...timeline, window: undefined };
  const first = messages[0].seq;
  const last = messages[messages.length - 1].seq;
  const oldest = timeline.items[0]?.seq;
  if (!page.hasMoreAfter || oldest === undefined || last >= oldest || !timeline.hasOlder) return joinRun(timeline, messages, first < (oldest ?? Infinity) ? page.hasMoreBefore : timeline.hasOlder);
  const items = mergeMessages(mergeMessages([], messages), newerCopies(timeline, first, last));
  return { ...timeline, window: { items, hasMoreBefore: page.hasMoreBefore, hasMoreAfter: true, loading: null, focusId } };
}

/** The window with an older page before it. */
export function windowOlder(timeline: Timeline, messages: MessageView[], hasMore: boolean): Timeline {
  const window = timeline.window;
  if (!window) return timeline;
  const first = messages[0]?.seq ?? Infinity;
  const items = mergeMessages(mergeMessages(window.items, messages), newerCopies(timeline, first, window.items[0]?.seq ?? first));
  return { ...timeline, window: { ...window, items, hasMoreBefore: hasMore, loading: null } };
}

/** The window with a newer page after it; once the page reaches the loaded run, the two are one. */
export function windowNewer(timeline: Timeline, messages: MessageView[], hasMore: boolean): Timeline {
  const window = timeline.window;
  if (!window) return timeline;
  const oldest = timeline.items[0]?.seq;
  const last = messages[messages.length - 1]?.seq ?? -Infinity;
  const combined = mergeMessages(window.items, messages);
  if (!hasMore || oldest === undefined || last >= oldest) return joinRun(timeline, combined, window.hasMoreBefore);
  const items = mergeMessages(combined, newerCopies(timeline, messages[0]?.seq ?? last, last));
  return { ...timeline, window: { ...window, items, hasMoreAfter: true, loading: null } };
}

/**
 * `messages` (contiguous with the loaded run) joined to it: the run now starts at their oldest.
 * What came live for their range wins over their copies (mergeMessages keeps the higher rev); the
 * `outside` changes they now cover join too.
 */
function joinRun(timeline: Timeline, messages: MessageView[], hasOlder: boolean): Timeline {
  const items = mergeMessages(timeline.items, messages);
  const oldest = items[0]?.seq ?? Infinity;
  const outside = timeline.outside ?? [];
  return {
    ...timeline,
    items: mergeMessages(items, outside.filter((m) => m.seq >= oldest)),
    outside: outside.filter((m) => m.seq < oldest),
    hasOlder,
    window: undefined,
  };
}

/** A change (edit, delete, pin …) to a message of the window, applied there; the same timeline when it is not the window's. */
export function applyToWindow(timeline: Timeline, m: MessageView): Timeline {
  const window = timeline.window;
  if (!window || !(withinWindow(window, m.seq) || window.items.some((x) => x.id === m.id))) return timeline;
  const items = mergeMessages(window.items, [m]);
  return items === window.items ? timeline : { ...timeline, window: { ...window, items } };
}

/** The run on screen: the window while one is open, else the timeline's own items. */
export function shownItems(timeline: Timeline): MessageView[] {
  return timeline.window ? timeline.window.items : timeline.items;
}
