/** Who a body mentions, as stored in `messages.mentions`: members named by `@username` (rules.ts), and "all". */
import "server-only";
import type { Tx } from "../platform/events";
import { MENTION_ALL, mentionNames } from "./rules";

/**
 * The SQL expression of a message's `mentions` (text[]), as stored: the user ids of the members of
 * conversation `conversation` named in `names` (an SQL expression of a jsonb array of mentionNames'
 * names, in order of first mention), then "all" when it holds "all". Both are SQL expressions over
 * the statement's own rows (such as `x.n`, `x.c`), so a writer resolves mentions in the statement that
 * stores the messages, and membership is as of that statement, under the conversation's lock.
 */
export function storedMentions(tx: Tx, names: string, conversation: string) {
  return tx.unsafe(`array(
      select u.id::text from jsonb_array_elements_text(${names}) with ordinality as named(name, position)
      join users u on u.username = named.name
      join members mb on mb.conversation_id = ${conversation} and mb.user_id = u.id
      where named.name <> '${MENTION_ALL}' order by named.position)
    || case when ${names} ? '${MENTION_ALL}' then array['${MENTION_ALL}'] else array[]::text[] end`);
}

/**
 * For each `{ conversationId, body }`, what storedMentions makes of it: the user ids of the
 * conversation's members it names (in order of first mention), then "all" when it names everyone.
 * One query for all of them; run inside the transaction that stores the bodies, so membership is as
 * of that commit. Its statement is sent at the call (a caller may pipeline it behind its locks).
 */
export function resolveMentions(tx: Tx, items: { conversationId: string; body: string }[]): Promise<string[][]> {
  const named = items.map((it, i) => ({ i, c: it.conversationId, n: mentionNames(it.body) })).filter((r) => r.n.length);
  if (!named.length) return Promise.resolve(items.map(() => []));
  // sent at the call, not when awaited, so it runs after the statements started before it (the locks)
  return tx`
    select x.i, ${storedMentions(tx, "x.n", "x.c")} as mentions
    from jsonb_to_recordset(${JSON.stringify(named)}::jsonb) as x(i int, c uuid, n jsonb)`
    .execute()
    .then((found) => {
      const byIndex = new Map(found.map((r) => [r.i as number, r.mentions as string[]]));
      return items.map((_, i) => byIndex.get(i) ?? []);
    });
}

/** resolveMentions for one body. */
export async function mentionsIn(tx: Tx, conversationId: string, body: string): Promise<string[]> {
  return (await resolveMentions(tx, [{ conversationId, body }]))[0];
}
