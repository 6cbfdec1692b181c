/** The chat's HTTP calls, typed by the contract in DESIGN.md. */
import { HISTORY_PAGE } from "@/lib/messages/rules";
import { DIRECTORY_PAGE } from "@/lib/people/rules";
import type { PublicUser } from "@/lib/people/types";
import type { ConversationView, NotificationLevel } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function call<T>(path: string, init?: { method?: string; json?: unknown; signal?: AbortSignal }): Promise<T> {
  const res = await fetch(path, {
    method: init?.method ?? "GET",
    headers: init?.json !== undefined ? { "content-type": "application/json" } : undefined,
    body: init?.json !== undefined ? JSON.stringify(init.json) : undefined,
    signal: init?.signal,
  });
  // an abort while the body arrives rejects here: let it be the AbortError callers ignore
  const data = (await res.json().catch((err: unknown) => {
    if (init?.signal?.aborted) throw err;
    return null;
  })) as ({ error?: { code: string; message: string; fields?: Record<string, string> } } & T) | null;
  if (!res.ok) {
    // a field's own message ("That name is reserved") says more than the summary ("Some fields are invalid")
    const fieldMessage = data?.error?.fields ? Object.values(data.error.fields)[0] : undefined;
    throw new ApiError(res.status, data?.error?.code ?? "internal", fieldMessage ?? data?.error?.message ?? `The server answered ${res.status}`);
  }
  if (data === null) throw new ApiError(res.status, "internal", "The server's answer could not be read");
  return data as T;
}

export const chatApi = {
  listConversations: () => call<{ conversations: ConversationView[] }>("/api/conversations"),
  getConversation: (id: string) => call<{ conversation: ConversationView }>(`/api/conversations/${encodeURIComponent(id)}`),
  startDirect: (userId: string) => call<{ conversation: ConversationView }>("/api/conversations", { method: "POST", json: { kind: "direct", userId } }),
  createGroup: (title: string, memberIds: string[], clientId: string) =>
    call<{ conversation: ConversationView }>("/api/conversations", { method: "POST", json: { kind: "group", title, memberIds, clientId } }),
  rename: (id: string, title: string) => call<{ conversation: ConversationView }>(`/api/conversations/${encodeURIComponent(id)}`, { method: "PATCH", json: { title } }),
  addMembers: (id: string, userIds: string[]) =>
    call<{ conversation: ConversationView }>(`/api/conversations/${encodeURIComponent(id)}/members`, { method: "POST", json: { userIds } }),
  /** one's own notification level in a conversation */
  setNotifications: (id: string, notifications: NotificationLevel) =>
    call<{ conversation: ConversationView }>(`/api/conversations/${encodeURIComponent(id)}/settings`, { method: "PATCH", json: { notifications } }),
  removeMember: (id: string, userId: string) =>
    call<{ ok: true }>(`/api/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, { method: "DELETE" }),
  messages: (id: string, params: { before?: number; limit?: number } = {}) => {
    const q = new URLSearchParams({ limit: String(params.limit ?? HISTORY_PAGE.default) });
    if (params.before !== undefined) q.set("before", String(params.before));
    return call<{ messages: MessageView[]; hasMore: boolean }>(`/api/conversations/${encodeURIComponent(id)}/messages?${q}`);
  },
  /** the page centred on position `around` (DESIGN.md): a jump to a reply's original, a pin, the first unread */
  around: (id: string, around: number, limit: number = HISTORY_PAGE.default) =>
    call<{ messages: MessageView[]; hasMoreBefore: boolean; hasMoreAfter: boolean }>(`/api/conversations/${encodeURIComponent(id)}/messages?${new URLSearchParams({ around: String(around), limit: String(limit) })}`),
  /** the page after position `after`, ascending */
  newer: (id: string, after: number) =>
    call<{ messages: MessageView[]; hasMore: boolean }>(`/api/conversations/${encodeURIComponent(id)}/messages?${new URLSearchParams({ after: String(after), limit: String(HISTORY_PAGE.default) })}`),
  /** the conversation's pinned messages, newest pin first */
  pins: (id: string) => call<{ messages: MessageView[] }>(`/api/conversations/${encodeURIComponent(id)}/pins`),
  /** public profiles by id (at most PROFILE_LOOKUP_MAX); accounts that are gone are absent from the answer */
  lookupUsers: (ids: string[]) => call<{ users: PublicUser[] }>(`/api/users?${new URLSearchParams({ ids: ids.join(",") })}`),
  searchUsers: (q: string, signal?: AbortSignal) =>
    call<{ users: PublicUser[]; nextCursor: string | null }>(`/api/users?${new URLSearchParams({ q, limit: String(DIRECTORY_PAGE.default) })}`, { signal }),
};

/** One hit of GET /api/search (DESIGN.md, "Search"): `highlight` is the body with matches between \u0002 and \u0003. */
export interface SearchHit {
  message: MessageView;
  conversation: { id: string; kind: "direct" | "group"; title: string | null };
  highlight: string;
}

/** The search filters as the dialog holds them; empty strings are left out of the query. */
export interface SearchParams {
  q: string;
  conversationId?: string;
  from?: string;
  /** `YYYY-MM-DD`, a day in the reader's zone (the server reads the `tz` cookie) */
  after?: string;
  before?: string;
  cursor?: string;
}

/** GET /api/search: a page of the caller's matching messages, newest first (used by the search dialog only). */
export function searchMessages(params: SearchParams, signal?: AbortSignal) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) q.set(key, value);
  return call<{ results: SearchHit[]; nextCursor: string | null }>(`/api/search?${q}`, { signal });
}

/** The REST calls the chat client makes (chatApi in the page; a stand-in in tests). */
export type ChatApi = typeof chatApi;
