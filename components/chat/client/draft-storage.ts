/**
 * Drafts kept on this device (localStorage): one entry per signed-in user and conversation, so
 * another account in the same browser never reads them, and one tab's write touches only its own
 * conversation's entry. Storage may be missing, disabled, full or throwing (private modes): every
 * call here swallows that, and the drafts then live only as long as the page.
 */
import { MESSAGE_MAX } from "@/lib/messages/rules";
import { truncate } from "@/lib/platform/text-length";
import { isDraft } from "./draft-state";

/** What the drafts need of a Web Storage object (window.localStorage, or a stand-in in tests). */
export type DraftStorage = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

/** A draft untouched for this long is dropped when the page next loads. */
export const DRAFT_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** At most this many drafts are kept per user; beyond it the least recently written go. */
export const MAX_STORED_DRAFTS = 100;

const PREFIX = "parley:draft:v1:";
const keyOf = (meId: string, conversationId: string) => `${PREFIX}${meId}:${conversationId}`;

/** window.localStorage when the page has one it may use; null on the server or when storage is disabled (reading it throws then). */
export function browserStorage(): DraftStorage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** A stored entry: the text (at most MESSAGE_MAX code points: more could not be sent anyway) and when it was written (ms). */
interface Entry {
  text: string;
  at: number;
}

function parse(raw: string | null): Entry | null {
  try {
    const e = JSON.parse(raw ?? "null") as Partial<Entry> | null;
    return e && typeof e.text === "string" && isDraft(e.text) && Number.isFinite(e.at) ? { text: truncate(e.text, MESSAGE_MAX, ""), at: e.at! } : null;
  } catch {
    return null;
  }
}

/**
 * `meId`'s drafts by conversation id. Drops (from storage too) entries that are unreadable, older
 * than DRAFT_TTL_MS at `now` (ms), or beyond the MAX_STORED_DRAFTS most recent. Never throws: what
 * could be read before storage failed is returned.
 */
export function loadDrafts(storage: DraftStorage | null, meId: string, now: number): Record<string, string> {
  if (!storage) return {};
  const prefix = keyOf(meId, "");
  const found: (Entry & { id: string; key: string })[] = [];
  const stale: string[] = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (!key?.startsWith(prefix) || key.length === prefix.length) continue;
      const entry = parse(storage.getItem(key));
      if (entry && now - entry.at <= DRAFT_TTL_MS) found.push({ ...entry, id: key.slice(prefix.length), key });
      else stale.push(key);
    }
  } catch {
    // storage failed mid-way: keep what was read
  }
  found.sort((a, b) => b.at - a.at);
  stale.push(...found.splice(MAX_STORED_DRAFTS).map((e) => e.key));
  for (const key of stale) attempt(() => storage.removeItem(key));
  return Object.fromEntries(found.map((e) => [e.id, e.text]));
}

/** Writes (blank `text`: removes) one draft, stamped `now` (ms); a storage failure leaves the previous entry. */
export function saveDraft(storage: DraftStorage | null, meId: string, conversationId: string, text: string | undefined, now: number): void {
  if (!storage) return;
  const key = keyOf(meId, conversationId);
  attempt(() => (isDraft(text) ? storage.setItem(key, JSON.stringify({ text: truncate(text, MESSAGE_MAX, ""), at: now })) : storage.removeItem(key)));
}

function attempt(f: () => void): void {
  try {
    f();
  } catch {
    // quota exceeded, storage disabled or gone: the draft lives on in the page
  }
}
