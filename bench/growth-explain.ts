/**
 * The hot paths' query plans for docs/growth-plans.md (bench/growth.ts): each path's domain function
 * (the one its endpoint or socket handler calls) runs in this process as the probe user, on a pool of
 * one connection where auto_explain logs every statement it runs, nested ones included, with ANALYZE
 * and BUFFERS, and sends the log to this client as notices. So the plans are those of the very
 * statements the app runs, with the parameters it passes: nothing is copied out of lib/.
 */
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import type { HotPathPlans, PlanStatement } from "./growth-report";
import { missedPositions, newestRevs, sendersOf, directoryQueries } from "./growth-measure";
import { random, type World } from "./growth-seed";

/** Times each call runs before the one whose plans are kept (the sixth run of a prepared statement may take a generic plan). */
const RUNS_BEFORE = 5;

/** One auto_explain notice (text format) as its parts: "duration: …  plan:", "Query Text: …", "Query Parameters: …", the plan. */
export function parsePlanNotice(message: string): PlanStatement | undefined {
  const head = /^duration: ([\d.]+) ms\s+plan:\n/.exec(message);
  if (!head) return undefined;
  const lines = message.slice(head[0].length).split("\n");
  const planAt = lines.findIndex((l) => /\(cost=[\d.]+\.\.[\d.]+ rows=\d+ width=\d+\)/.test(l));
  const before = lines.slice(0, planAt < 0 ? 0 : planAt);
  const paramsAt = before.findIndex((l) => l.startsWith("Query Parameters: "));
  const queryLines = paramsAt < 0 ? before : before.slice(0, paramsAt);
  return {
    durationMs: Number(head[1]),
    query: queryLines.join("\n").replace(/^Query Text: /, ""),
    parameters: paramsAt < 0 ? undefined : before.slice(paramsAt).join("\n").replace(/^Query Parameters: /, ""),
    plan: lines.slice(planAt < 0 ? 0 : planAt).join("\n").trimEnd(),
  };
}

interface HotPath {
  name: string;
  /** runs the path once (`run` counts from 0; the last run's plans are kept) and says what it called */
  call(run: number): Promise<string>;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement of the hot paths, at the database's current size:
 * the session check, a send (through the group-commit writer), a history page, the first `sync` of
 * a catch-up of `missed` messages, the conversation list and directory searches. Uses the app's
 * modules against `url` (the process-wide pool is replaced by the explaining one and closed after).
 */
export async function explainHotPaths(url: string, world: World, missed: number): Promise<HotPathPlans[]> {
  const { loadEnv } = await import("@/lib/platform/env");
  loadEnv({ ...process.env, DATABASE_URL: url, RATE_LIMITS: "off", REDIS_URL: "" });
  const { setSingleton } = await import("@/lib/platform/singleton");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const schema = await import("@/db/schema");
  const { closeDb } = await import("@/db");
  const notices: string[] = [];
  // the options of db/index.ts's pool that change results (int8 as numbers), one connection, and the notices kept
  const sql = postgres(url, {
    max: 1,
    onnotice: (n) => void notices.push(String(n.message)),
    types: { int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
  });
  await sql`load 'auto_explain'`;
  for (const setting of ["log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_timing = on", "log_nested_statements = on", "log_level = notice"]) {
    await sql.unsafe(`set auto_explain.${setting}`);
  }
  setSingleton("db", { sql, db: drizzle(sql, { schema }), url });
  try {
    const { getLiveSession } = await import("@/lib/sessions/store");
    const { sendMessage } = await import("@/lib/messages/send");
    const { readHistory } = await import("@/lib/messages/history");
    const { syncMessages } = await import("@/lib/messages/history");
    const { listConversations } = await import("@/lib/conversations/store");
    const { searchDirectory } = await import("@/lib/people/directory");
    const rand = random(31);
    const probe = world.userIds[world.probe];
    const [{ id: sessionId }] = await sql`select id from sessions where user_id = ${probe} order by created_at desc limit 1`;
    const busiest = world.probeConversations[0];
    const busiestId = world.conversationIds[busiest];
    const sender = world.userIds[sendersOf(world)[0]];
    const [{ last_seq: lastSeq }] = await sql`select last_seq from conversations where id = ${busiestId}`;
    const revs = await newestRevs(sql, world, missed + 1);
    const queries = directoryQueries(world, 40, 77);
    const paths: HotPath[] = [
      {
        name: "Session check (every HTTP request and socket handshake)",
        call: async () => {
          await getLiveSession(sessionId);
          return "`getLiveSession(sessionId)` (lib/sessions/store.ts), the probe's session";
        },
      },
      {
        name: "Send (the group-commit writer's transaction)",
        call: async (run) => {
          const body = `growth bench explain ${run} @${world.usernames[world.probe]}`;
          await sendMessage({ conversationId: busiestId, senderId: sender, clientId: randomUUID(), body });
          return `\`sendMessage\` (lib/messages/send.ts → writer.ts), a batch of one into the probe's busiest conversation, mentioning the probe (so the mention lookup runs too): \`${body}\``;
        },
      },
      {
        name: "History page",
        call: async () => {
          const before = 1 + Math.floor(rand() * Number(lastSeq) * 0.1);
          await readHistory({ userId: probe, conversationId: busiestId, query: { before, limit: 50 } });
          return `\`readHistory\` (lib/messages/history.ts, GET …/messages?before=${before}&limit=50) in the probe's busiest conversation (last position ${Number(lastSeq).toLocaleString("en-US")}): a page in its oldest tenth`;
        },
      },
      {
        name: `Sync (first request of a catch-up of ${missed} missed messages)`,
        call: async () => {
          const since = missedPositions(world, revs, missed, rand);
          const res = await syncMessages({ userId: probe, since });
          return `\`syncMessages\` (lib/messages/history.ts, the socket's \`sync\`) with cursors for all ${Object.keys(since).length} of the probe's conversations, ${missed} messages after them; this request answered ${res.messages.length} (hasMore ${res.hasMore})`;
        },
      },
      {
        name: "Conversation list",
        call: async () => {
          const list = await listConversations({ userId: probe });
          return `\`listConversations\` (lib/conversations/store.ts, GET /api/conversations) for the probe: ${list.length} conversations`;
        },
      },
      ...[1, 3].map((letters) => ({
        name: `Directory search, ${letters} letter${letters > 1 ? "s" : ""}`,
        call: async (run: number) => {
          const q = queries.filter((x) => x.length === letters)[run];
          const page = await searchDirectory({ userId: probe, q, limit: 20 });
          return `\`searchDirectory\` (lib/people/directory.ts, GET /api/users?q=${q}&limit=20): ${page.users.length} people${page.nextCursor ? " and more" : ""}`;
        },
      })),
    ];
    const plans: HotPathPlans[] = [];
    for (const path of paths) {
      for (let run = 0; run < RUNS_BEFORE; run++) await path.call(run);
      notices.splice(0);
      const call = await path.call(RUNS_BEFORE);
      plans.push({ name: path.name, call, statements: notices.splice(0).flatMap((n) => parsePlanNotice(n) ?? []) });
    }
    return plans;
  } finally {
    await closeDb(); // ends the explaining pool and forgets it
  }
}
