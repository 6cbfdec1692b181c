/**
 * The search indexer (docs/search.md): turns queued text messages into full-text documents in
 * `message_search`, after their writers committed. The queue is filled by a trigger on `messages`
 * (migration 0006), so a send pays one small insert and never a GIN update, which made sends at
 * 2,000/s several times slower when the document was a generated column (bench:search). Zulip keeps
 * its search vector the same way (a trigger-fed `fts_update_log`, drained by its own process).
 * Every node runs one loop; `for update skip locked` keeps them from taking the same messages.
 */
import "server-only";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import postgres, { type Sql } from "postgres";
import { getSql } from "@/db";
import { env } from "../platform/env";
import { startPeriodic } from "../platform/periodic";

/** Messages indexed per statement. */
export const INDEX_BATCH = 1000;
/** How often a node looks at the queue, in ms: how long a message may wait before others find it. */
export const INDEX_EVERY_MS = 200;

/**
 * Indexes up to `limit` queued messages (only those of `conversationIds` when given) and answers how
 * many it took off the queue. A message deleted or gone meanwhile is simply dropped from the queue;
 * one edited meanwhile is queued again by the trigger and indexed again. Its own transaction,
 * committed asynchronously (see inside).
 */
export async function indexPending(sql: Sql, { conversationIds, limit = INDEX_BATCH }: { conversationIds?: string[]; limit?: number } = {}): Promise<number> {
  return sql.begin(async (tx) => {
    // Its commit does not wait for the WAL to reach the disk, so the sends' commits do not queue
    // behind the indexer's flushes. Safe for derived data: a crash that loses this commit loses
    // its queue deletion with it, and those messages are indexed again. Sends never do this.
    await tx`set local synchronous_commit = off`;
    const [{ taken }] = await tx<{ taken: number }[]>`
      with q as (
        delete from message_search_queue where message_id in (
          select message_id from message_search_queue
          ${conversationIds ? tx`where conversation_id = any(${conversationIds}::uuid[])` : tx``}
          limit ${limit} for update skip locked)
        returning message_id),
      indexed as (
        insert into message_search (message_id, conversation_id, created_at, search)
        select m.id, m.conversation_id, m.created_at, to_tsvector('parley_search', parley_search_text(m.body || coalesce(' ' ||
          (select string_agg(a.name, ' ' order by a.position) from attachments a where a.message_id = m.id), '')))
        from q join messages m on m.id = q.message_id
        where m.kind = 'text' and m.deleted_at is null
        on conflict (message_id) do update set search = excluded.search
        returning 1)
      select (select count(*) from q)::int as taken, (select count(*) from indexed)::int as indexed`;
    return taken;
  });
}

/** Drains the queue batch by batch until it is empty. Answers how many it took. */
export async function indexAll(sql: Sql = getSql()): Promise<number> {
  let total = 0;
  for (;;) {
    const taken = await indexPending(sql);
    total += taken;
    if (taken < INDEX_BATCH) return total;
  }
}

/** How often the indexer makes sure its database process is still the lowered one, in ms. */
const PRIORITY_CHECK_EVERY_MS = 60_000;

/** The niceness the indexer's database process is given (0 is normal, 19 the lowest priority). */
export const INDEXER_NICENESS = 10;

/**
 * Puts the database server process behind `sql` (a one-connection pool) at INDEXER_NICENESS, its own
 * niceness and its autogroup's (lowerAutogroup), so that on a busy machine making search documents
 * yields the CPU to sends (bench:search measured the indexer's CPU, not its locks, as what it cost a
 * send's p99). Only when that process is provably this connection's on this machine: the backend's
 * pid, and its command line (PostgreSQL
 * titles a backend "postgres: user db host(port) …") showing this connection's own client port
 * on a loopback address, and the server's own port being the one dialled. A remote or proxied
 * database, or a process we may not renice, is left alone; a process already at a lower priority
 * keeps it. Answers whether the priority was lowered. The connection must stay the same one, so the
 * pool must be `max: 1` without `idle_timeout`/`max_lifetime`.
 */
export async function lowerIndexerPriority(sql: Sql): Promise<boolean> {
  try {
    const [row] = await sql<{ pid: number; port: number | null; addr: string | null; server_port: number | null }[]>`
      select pg_backend_pid() as pid, inet_client_port() as port, host(inet_client_addr()) as addr, inet_server_port() as server_port`;
    if (!row.port || !row.addr || !/^(127\.|::1$|::ffff:127\.)/.test(row.addr)) return false;
    // The server must be the one we dialled: a proxy in front of it (pgbouncer, a TCP forwarder) listens on a
    // port of its own, and the backend behind it may serve the sends of other clients after ours.
    if (sql.options.port.length !== 1 || row.server_port !== sql.options.port[0]) return false;
    const title = readFileSync(`/proc/${row.pid}/cmdline`, "utf8").replace(/\0/g, " ");
    if (!/^postgres: /.test(title) || !title.includes(`(${row.port})`)) return false;
    // lowered, never raised: a database started at a lower priority than ours keeps it
    setPriority(row.pid, Math.max(getPriority(row.pid), INDEXER_NICENESS));
    lowerAutogroup(row.pid);
    return true;
  } catch {
    return false;
  }
}

/**
 * Gives the autogroup of database process `pid` the niceness INDEXER_NICENESS, when the kernel has
 * autogroups and the process leads its own session. With autogroup scheduling (sched(7), "The autogroup
 * feature"; on by default in Debian's kernels, and on these machines), a nice value counts only against
 * processes of the same session, and the groups share the CPU as equals: PostgreSQL puts every backend in
 * a session of its own (`setsid` in InitPostmasterChild), so setPriority alone left the indexer's backend
 * an equal of each send's: three backends spinning on 2 cores got 63-69 % of a core each, the "lowered"
 * one too; with its autogroup lowered, 11 % against 91-94 %. (The kernel uses autogroups only for tasks in
 * the root cpu cgroup; in a cgroup of its own the process's niceness counts and this write is harmless.)
 * Throws when the process may not be changed.
 */
function lowerAutogroup(pid: number): void {
  const file = `/proc/${pid}/autogroup`;
  if (!existsSync(file)) return; // a kernel without autogroups: the process's own niceness is what counts
  // the 6th field of /proc/<pid>/stat (after the command in parentheses) is the session id
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const session = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
  if (session !== pid) return; // its group holds other processes: theirs would be lowered too
  // "/autogroup-123 nice 0"; lowered, never raised
  const current = Number(/ nice (-?\d+)/.exec(readFileSync(file, "utf8"))?.[1] ?? 0);
  if (current < INDEXER_NICENESS) writeFileSync(file, String(INDEXER_NICENESS));
}

/**
 * Runs the indexer on this node every INDEX_EVERY_MS until the returned stop is called (the timer
 * never keeps the process alive), on a connection of its own whose database process works at a
 * lower CPU priority when the database runs on this machine (`lowerIndexerPriority`). Answers the
 * stop, which ends that connection.
 */
export function startSearchIndexer(): () => Promise<void> {
  let sql: Sql | undefined;
  let checkedAt = -Infinity;
  const connection = async () => {
    sql ??= postgres(env().databaseUrl!, { max: 1, onnotice: () => {}, connect_timeout: 5, idle_timeout: 0, max_lifetime: null });
    // again now and then: a reconnect (the database restarted) is a new process
    if (performance.now() - checkedAt > PRIORITY_CHECK_EVERY_MS) {
      checkedAt = performance.now();
      await lowerIndexerPriority(sql);
    }
    return sql;
  };
  const stop = startPeriodic("search", "indexing", INDEX_EVERY_MS, async () => {
    await indexAll(await connection());
  });
  return async () => {
    stop();
    await sql?.end({ timeout: 5 });
  };
}
