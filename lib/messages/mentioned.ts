/** Who a body mentions, as stored in `messages.mentions`: members named by `@username` (rules.ts), and "all". */
import "server-only";
import type { Tx } from "../platform/events";
import { MENTION_ALL, mentionNames } from "./rules";

/**
 * For each `{ conversationId, body }`, the user ids of the conversation's members it names (in order
 * of first mention), then "all" when it names everyone. One query for all of them; run inside the
 * transaction that stores the bodies, so membership is as of that commit. Its statement is sent at
 * the call (a caller may pipeline it behind the locks it must follow).
 */
export function resolveMentions(tx: Tx, items: { conversationId: string; body: string }[]): Promise<string[][]> {
  const names = items.map((it) => mentionNames(it.body));
  const pairs = names.flatMap((list, i) => list.filter((n) => n !== MENTION_ALL).map((n) => ({ i, c: items[i].conversationId, n })));
  // sent at the call, not when awaited, so it runs after the statements started before it (the locks)
  const lookup = pairs.length
    ? tx`
      select x.i, x.n, u.id from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x(i int, c uuid, n text)
      join users u on u.username = x.n
      join members mb on mb.conversation_id = x.c and mb.user_id = u.id`.execute()
    : Promise.resolve([]);
  return lookup.then((rows) => {
    const found = new Map<string, string>(); // `${i}|${name}` → user id
    for (const r of rows) found.set(`${r.i}|${r.n}`, r.id as string);
    return names.map((list, i) => {
      const ids = list.filter((n) => n !== MENTION_ALL).flatMap((n) => found.get(`${i}|${n}`) ?? []);
      return list.includes(MENTION_ALL) ? [...ids, MENTION_ALL] : ids;
    });
  });
}

/** resolveMentions for one body. */
export async function mentionsIn(tx: Tx, conversationId: string, body: string): Promise<string[]> {
  return (await resolveMentions(tx, [{ conversationId, body }]))[0];
}
