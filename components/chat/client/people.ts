/**
 * Who is who beyond the member lists: the public profiles of senders who are no longer members
 * (looked up once by id and kept for the page's life), and `user:updated`, which renames a person
 * everywhere the page shows them. Pure.
 */
import type { PublicUser } from "@/lib/people/types";
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import type { ChatState } from "./state";

/** Shown for a message whose sender's account is gone (senderId null, or a lookup found nothing). */
export const DELETED_USER_NAME = "Deleted user";

/** Whoever's account is gone, as one person (one avatar colour) wherever the page shows them. */
export const DELETED_USER = { id: "deleted-user", displayName: DELETED_USER_NAME } as const;

/** A profile changed: every member entry of that person and the kept profile take the new name, avatar and bio. */
export function applyUserUpdate(state: ChatState, user: PublicUser): ChatState {
  let changed = false;
  const conversations: Record<string, ConversationView> = {};
  for (const c of Object.values(state.conversations)) {
    const i = c.members.findIndex((m) => m.id === user.id);
    const m = c.members[i];
    if (m && (m.displayName !== user.displayName || m.avatar !== user.avatar || m.username !== user.username)) {
      const members = [...c.members];
      members[i] = { ...m, displayName: user.displayName, avatar: user.avatar, username: user.username };
      conversations[c.id] = { ...c, members };
      changed = true;
    } else conversations[c.id] = c;
  }
  // kept when already known or when it is oneself (the shell shows one's own name)
  const keep = user.id in state.people || user.id === state.meId;
  if (!changed && !keep) return state;
  return { ...state, conversations: changed ? conversations : state.conversations, people: keep ? { ...state.people, [user.id]: user } : state.people };
}

/** Profiles that came back from a lookup; asked-for ids that did not are accounts that are gone (null). */
export function applyPeople(state: ChatState, users: PublicUser[], asked: string[]): ChatState {
  const people = { ...state.people };
  for (const id of asked) people[id] = null;
  for (const u of users) people[u.id] = u;
  return { ...state, people };
}

/** Who a message names: its sender, and for a timeline note the people it is about ("Ada removed Bob"). */
export function namedIn(m: Pick<MessageView, "senderId" | "event">): string[] {
  const e = m.event;
  const subjects = !e || e.type === "renamed" ? [] : e.type === "members_added" ? e.userIds : [e.userId];
  return m.senderId ? [m.senderId, ...subjects] : subjects;
}

/**
 * People `messages` name (./namedIn) that the page cannot: not a member of `c` and not looked up yet
 * (nor a deleted account, whose messages carry no sender).
 */
export function unknownSenders(people: ChatState["people"], c: ConversationView, messages: readonly MessageView[]): string[] {
  const members = new Set(c.members.map((m) => m.id));
  const unknown = new Set<string>();
  for (const m of messages) for (const id of namedIn(m)) if (!members.has(id) && !(id in people)) unknown.add(id);
  return [...unknown];
}

/**
 * Forgets the kept profiles of people who just left `held` (removed, left, or deleted the account),
 * so their messages are looked up again: a profile kept from before may belong to an account that is
 * now gone ("Deleted user"), which nothing else tells the page.
 */
export function forgetDeparted(people: ChatState["people"], held: ConversationView | undefined, view: ConversationView): ChatState["people"] {
  if (!held) return people;
  const still = new Set(view.members.map((m) => m.id));
  const gone = held.members.filter((m) => !still.has(m.id) && m.id in people);
  if (!gone.length) return people;
  const next = { ...people };
  for (const m of gone) delete next[m.id];
  return next;
}
