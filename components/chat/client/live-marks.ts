/**
 * Live news against fetched snapshots. Pure.
 *
 * A view fetched over HTTP (the conversation list, one conversation, profiles) is the server as it
 * was when the request was answered; a live event that came while the answer was on its way may be
 * newer — a member removed, a conversation left or joined, a rename, someone coming online. Taken
 * whole, the late answer undid that news until the next event (a header that said "3 members" for
 * good after a removal). So every live change to a conversation or a person raises `clock` and marks
 * what it touched; a fetch notes the clock when it leaves (`since`), and for whatever was marked
 * after that, what the client holds wins over the answer. Events come in order, so a change the
 * answer already had and the mark did not is followed by its own event: nothing is held back for
 * good. (Message positions need none of this: seq and rev order them, see ./timeline.ts.)
 */
import type { ConversationView, MemberView } from "@/lib/conversations/types";
import type { PublicUser } from "@/lib/people/types";

/** A person's live news: a profile (`user:updated`) and/or presence, with the clock when it came. */
interface PersonMark {
  at: number;
  user?: PublicUser;
  online?: boolean;
}

export interface LiveMarks {
  /** raised by every live change below */
  clock: number;
  /** conversation id → the clock of its last live view (`conversation:new` / `:updated`) or removal */
  conversations: Record<string, { at: number; removed: boolean }>;
  people: Record<string, PersonMark>;
}

export const NO_MARKS: LiveMarks = { clock: 0, conversations: {}, people: {} };

/** After a live view of conversation `id` (`removed`: it left this user's list). */
export function markConversation(marks: LiveMarks, id: string, removed: boolean): LiveMarks {
  const clock = marks.clock + 1;
  return { ...marks, clock, conversations: { ...marks.conversations, [id]: { at: clock, removed } } };
}

/** After live news of person `id`: a new profile or presence. */
export function markPerson(marks: LiveMarks, id: string, news: { user: PublicUser } | { online: boolean }): LiveMarks {
  const clock = marks.clock + 1;
  return { ...marks, clock, people: { ...marks.people, [id]: { ...marks.people[id], ...news, at: clock } } };
}

/** Whether conversation `id` had live news after a fetch that left at `since`: "removed", "changed" or null. */
export function conversationNews(marks: LiveMarks, id: string, since: number): "removed" | "changed" | null {
  const mark = marks.conversations[id];
  if (!mark || mark.at <= since) return null;
  return mark.removed ? "removed" : "changed";
}

/** The profile that came live after `since` for person `id`, if any. */
export function personNews(marks: LiveMarks, id: string, since: number): PublicUser | undefined {
  const mark = marks.people[id];
  return mark && mark.at > since ? mark.user : undefined;
}

function member(m: MemberView, held: MemberView | undefined, mark: PersonMark | undefined, since: number, meId: string): MemberView {
  let next = m;
  // others' read positions only move forward (markRead): a fetched one lower than a live `read` is old.
  // One's own stays the server's, which markRead compares with.
  if (held && m.id !== meId && held.lastReadSeq > m.lastReadSeq) next = { ...next, lastReadSeq: held.lastReadSeq };
  if (mark && mark.at > since) {
    if (mark.user) next = { ...next, username: mark.user.username, displayName: mark.user.displayName, avatar: mark.user.avatar };
    if (mark.online !== undefined) next = { ...next, online: mark.online };
  }
  return next;
}

/**
 * `view`, fetched by a request that left at `since`, with the live news that came after it: the
 * held title, members, role and one's notification level when the conversation itself changed live, and each member's newer
 * profile, presence and (others') read position. Positions and counts are left to mergeView.
 */
export function withLiveNews(view: ConversationView, held: ConversationView | undefined, marks: LiveMarks, since: number, meId: string): ConversationView {
  const base = held && conversationNews(marks, view.id, since) === "changed" ? { ...view, title: held.title, members: held.members, role: held.role, peerDeleted: held.peerDeleted, notifications: held.notifications } : view;
  const heldMembers = new Map(held?.members.map((m) => [m.id, m]));
  let changed = base !== view;
  const members = base.members.map((m) => {
    const next = member(m, heldMembers.get(m.id), marks.people[m.id], since, meId);
    if (next !== m) changed = true;
    return next;
  });
  return changed ? { ...base, members } : view;
}
