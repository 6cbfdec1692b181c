/**
 * The growth bench's data (bench/growth.ts), written straight into a migrated database by COPY: the
 * world once (100,000 users, 10,000 conversations, the probe user in 200 of them), then messages
 * appended up to each size, never reseeded. Like bench/seed.ts and bench/search.ts this writes SQL
 * into a throwaway database: it prepares a workload, it is not part of the app.
 *
 * Shape of the history, the same at every size:
 * - conversation c has activity rank c: a message goes to rank r with probability ∝ (r + 1)^-0.8, so
 *   the busiest conversation holds about 3.7 % of all messages and the quietest a few;
 * - the probe is in every 50th rank (0, 50, …, 9,950), the busiest included: its 200 conversations
 *   hold about 5 % of all messages (a heavy user's share), one of them about 70 % of those;
 * - 40 % of conversations are groups (the 10 busiest always, 40–200 members; others 3–100, median
 *   about 6), the rest direct pairs;
 * - about 3 % of the events are reactions to one of the conversation's 10 latest messages, which take
 *   a position like any change (the message's `rev` moves past its `seq`, DESIGN.md), and 5 % of the
 *   messages reply to one of them;
 * - times run evenly over two years in the order written.
 * As bench/search.ts loads its corpus: the search queueing trigger is off during COPY (nothing is
 * queued for the server's indexer to catch up on while it is measured), the documents of the new
 * messages are made in one statement after it and the GIN index built again.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import argon2 from "argon2";
import type postgres from "postgres";

type Sql = postgres.Sql;

/** The world of the acceptance line (issue 15, item 6). */
export const GROWTH_WORLD = { users: 100_000, conversations: 10_000, probeConversations: 200, groupShare: 0.4, activitySkew: 0.8, reactionShare: 0.03, replyShare: 0.05, spanDays: 730 };
/** Messages per COPY statement: each keeps its foreign-key checks queued until it ends. */
const COPY_CHUNK = 1_000_000;
const RECENT = 10;
const DAY_MS = 86_400_000;

/** A small seeded PRNG (mulberry32), so two runs seed the same world. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..size-1 with probability ∝ (rank + 1)^-s. */
export function zipf(size: number, s: number, rand: () => number): { draw(): number; weight(rank: number): number } {
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) cdf[r] = sum += Math.pow(r + 1, -s);
  return {
    draw() {
      const u = rand() * sum;
      let lo = 0;
      let hi = size - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cdf[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    weight: (rank) => Math.pow(rank + 1, -s) / sum,
  };
}

const FIRST = (
  "james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph jessica thomas sarah " +
  "charles karen chris nancy daniel lisa matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew " +
  "donna joshua michelle kenneth carol kevin amanda brian melissa george deborah timothy stephanie ronald rebecca edward sharon jason " +
  "laura jeffrey cynthia ryan kathleen jacob amy gary angela nicholas shirley eric anna jonathan brenda stephen pamela larry emma " +
  "justin nicole scott helen brandon samantha benjamin katherine samuel christine gregory debra alexander rachel frank carolyn patrick " +
  "janet raymond maria jack olivia dennis heather jerry diane tyler julie aaron joyce jose victoria adam kelly nathan christina henry " +
  "lauren douglas joan zachary evelyn peter judith kyle megan ethan andrea walter cheryl noah hannah jeremy jacqueline christian martha " +
  "keith gloria roger teresa terry ann gerald sara harold madison sean frances austin kathryn carl janice arthur jean lawrence abigail " +
  "dylan alice jesse judy jordan sophia bryan grace billy denise joe amber bruce doris gabriel marilyn logan danielle albert beverly " +
  "willie isabella alan theresa juan diana wayne natalie elijah brittany randy charlotte roy marie vincent kayla ralph alexis eugene lori " +
  "yuki hiroshi mei wei aisha omar fatima ali priya raj ana luis sofia mateo lucas chloe leon mila ivan olga"
).split(" ");
const LAST = (
  "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor " +
  "moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott " +
  "torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz " +
  "parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly " +
  "howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders " +
  "patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher " +
  "vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes bryant herrera " +
  "gibson ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington kennedy wells " +
  "vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon " +
  "tanaka suzuki sato watanabe yamamoto wang li zhang liu khan singh kumar schmidt muller novak kowalski rossi bianchi dubois moreau"
).split(" ");
const WORDS = (
  "ok thanks meeting tomorrow today lunch deploy review build test bug fix release merge branch server database coffee weekend " +
  "project design team call update issue ticket customer report budget plan idea great sounds good sure later morning afternoon " +
  "the a to and is it that of in for we this on be so but with have just not are my you do was at can if what all will i " +
  "evening week month time work home office remote schedule agenda slides demo launch feature sprint standup deadline priority"
).split(" ");
const EMOJI = ["👍", "❤️", "😂", "🎉", "👀", "🙏", ":+1:", ":tada:"];
const TITLE = "Team Project Launch Design Ops Support Friends Family Book Club Hiking Lunch Infra Growth Mobile Web Data Security Sales".split(" ");

/** COPY's text format: backslash, tab, newline and carriage return escaped. */
const copyText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!);
const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

/** What the bench keeps of the world between growth steps (ids and positions; the rows are in the database). */
export interface World {
  userIds: string[];
  /** each user's first and last name (lowercase), for directory queries */
  names: [string, string][];
  usernames: string[];
  conversationIds: string[];
  kinds: ("direct" | "group")[];
  /** user indexes of each conversation's members */
  members: Int32Array[];
  /** the probe is user 0 */
  probe: number;
  /** the probe's conversations (indexes), busiest first */
  probeConversations: number[];
  /** each conversation's activity weight (share of all messages) */
  weights: Float64Array;
  /** messages this bench has appended so far (the sends of earlier sizes not counted) */
  seeded: number;
  /** the largest size of the run: times are spread over two years for it */
  largest: number;
  firstAt: number;
  rand: () => number;
  activity: ReturnType<typeof zipf>;
  /** each conversation's latest seeded message ids (reply and reaction targets) */
  recent: string[][];
  /** `message|emoji|user` of every seeded reaction (one per person and emoji) */
  reactionKeys: Set<string>;
}

/** Seconds spent on one growth step. */
export interface GrowthTimings {
  appended: number;
  reactions: number;
  copySeconds: number;
  searchSeconds: number;
  vacuumSeconds: number;
  totalSeconds: number;
}

function uniqueUsernames(names: [string, string][], rand: () => number): string[] {
  const taken = new Set<string>();
  return names.map(([first, last], i) => {
    const style = rand();
    let base = style < 0.4 ? `${first}_${last}` : style < 0.6 ? `${first}${last}` : style < 0.8 ? `${first[0]}${last}` : `${first}${Math.floor(rand() * 100)}`;
    if (i === 0) base = "growth_probe";
    let name = base.slice(0, 28);
    for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 28)}${n}`;
    taken.add(name);
    return name;
  });
}

async function copyRows(sql: Sql, statement: string, lines: Iterable<string>): Promise<void> {
  function* chunks(): Generator<string> {
    let chunk: string[] = [];
    for (const line of lines) {
      chunk.push(line);
      if (chunk.length === 2000) {
        yield chunk.join("");
        chunk = [];
      }
    }
    if (chunk.length) yield chunk.join("");
  }
  const writable = await sql.unsafe(statement).writable();
  await pipeline(Readable.from(chunks()), writable);
}

/**
 * Writes the world into a migrated database: users (one argon2id hash shared by all, as bench/seed.ts),
 * conversations and memberships. `largest` is the largest size the run will reach (times are spread
 * for it). Returns what the growth steps and the measurements need.
 */
export async function seedWorld(sql: Sql, largest: number): Promise<World> {
  const { users: U, conversations: C, probeConversations: P, groupShare, activitySkew, spanDays } = GROWTH_WORLD;
  const rand = random(15);
  const hash = await argon2.hash("bench password", { type: argon2.argon2id });
  const names = Array.from({ length: U }, () => [FIRST[Math.floor(rand() * FIRST.length)], LAST[Math.floor(rand() * LAST.length)]] as [string, string]);
  const usernames = uniqueUsernames(names, rand);
  const userIds = usernames.map(() => randomUUID());
  await copyRows(
    sql,
    "copy users (id, username, email, display_name, password_hash) from stdin",
    usernames.map((u, i) => `${userIds[i]}\t${u}\t${u}@growth.test\t${capital(names[i][0])} ${capital(names[i][1])}\t${hash}\n`),
  );

  const firstAt = Date.now() - spanDays * DAY_MS;
  const stride = C / P;
  const kinds = Array.from({ length: C }, (_, c) => (c < 10 || rand() < groupShare ? "group" : "direct") as "direct" | "group");
  const pairs = new Set<string>();
  const other = () => 1 + Math.floor(rand() * (U - 1));
  const members = kinds.map((kind, c) => {
    const withProbe = c % stride === 0;
    if (kind === "direct") {
      for (;;) {
        const a = withProbe ? 0 : other();
        const b = other();
        const key = a < b ? `${a}:${b}` : `${b}:${a}`;
        if (a === b || pairs.has(key)) continue;
        pairs.add(key);
        return Int32Array.from([a, b]);
      }
    }
    const size = c < 10 ? 40 + Math.floor(rand() * 161) : Math.min(100, Math.max(3, Math.round(Math.exp(Math.log(6) + 0.8 * gauss(rand)))));
    const chosen = new Set<number>(withProbe ? [0] : []);
    while (chosen.size < size) chosen.add(other());
    return Int32Array.from(chosen);
  });
  const conversationIds = kinds.map(() => randomUUID());
  const createdAt = kinds.map(() => new Date(firstAt - Math.floor(rand() * 30 * DAY_MS)).toISOString());
  await copyRows(
    sql,
    "copy conversations (id, kind, title, direct_key, created_by, created_at) from stdin",
    kinds.map((kind, c) => {
      const ids = [...members[c]].map((u) => userIds[u]);
      const title = kind === "group" ? `${TITLE[c % TITLE.length]} ${TITLE[Math.floor(c / TITLE.length) % TITLE.length]} ${c}` : "\\N";
      const key = kind === "direct" ? [...ids].sort().join(":") : "\\N";
      return `${conversationIds[c]}\t${kind}\t${title}\t${key}\t${ids[0]}\t${createdAt[c]}\n`;
    }),
  );
  await copyRows(
    sql,
    "copy members (conversation_id, user_id, role, joined_at) from stdin",
    (function* () {
      for (let c = 0; c < C; c++) {
        const owner = kinds[c] === "group" ? "owner" : "member";
        for (const [k, u] of [...members[c]].entries()) yield `${conversationIds[c]}\t${userIds[u]}\t${k === 0 ? owner : "member"}\t${createdAt[c]}\n`;
      }
    })(),
  );
  const activity = zipf(C, activitySkew, rand);
  const probeConversations = Array.from({ length: P }, (_, i) => i * stride);
  return {
    userIds,
    names,
    usernames,
    conversationIds,
    kinds,
    members,
    probe: 0,
    probeConversations,
    weights: Float64Array.from({ length: C }, (_, c) => activity.weight(c)),
    seeded: 0,
    largest,
    firstAt,
    rand,
    activity,
    recent: kinds.map(() => []),
    reactionKeys: new Set(),
  };
}

function gauss(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function body(rand: () => number): string {
  const n = 2 + Math.floor(-Math.log(1 - rand()) * 8);
  const words = Array.from({ length: Math.min(n, 60) }, () => WORDS[Math.floor(rand() * WORDS.length)]);
  const text = words.join(" ");
  return rand() < 0.3 ? capital(text) + (rand() < 0.3 ? "?" : "") : text;
}

/**
 * Appends messages until the bench has seeded `target` of its own (the sends of the measurements
 * are not counted), continuing every conversation from its `last_seq` (the server's sends moved
 * them), then makes the new messages' search documents, sets the probe's read positions (about
 * 85 % of its conversations read to the end, the others 1–30 positions behind), VACUUM (ANALYZE)s
 * and CHECKPOINTs, so that neither autovacuum nor a checkpoint of the load lands in a measurement.
 */
export async function growTo(sql: Sql, world: World, target: number, log: (line: string) => void): Promise<GrowthTimings> {
  const started = performance.now();
  const { conversationIds: ids, members, userIds, rand, recent } = world;
  const seqs = new Float64Array(ids.length);
  const rows = await sql`select id, last_seq from conversations where id = any(${ids}::uuid[])`;
  const index = new Map(ids.map((id, c) => [id, c]));
  for (const r of rows) seqs[index.get(r.id as string)!] = Number(r.last_seq);

  const stepMs = (GROWTH_WORLD.spanDays * DAY_MS) / world.largest;
  const fromAt = new Date(world.firstAt + world.seeded * stepMs);
  const reactionLines: string[] = [];
  const revs = new Map<string, number>();
  const appended = target - world.seeded;
  const copyStarted = performance.now();
  const [{ def }] = await sql<{ def: string }[]>`select pg_get_indexdef('message_search_words'::regclass) as def`;
  await sql`drop index message_search_words`;
  await sql`alter table messages disable trigger messages_search_enqueue`;
  try {
    while (world.seeded < target) {
      const end = Math.min(target, world.seeded + COPY_CHUNK);
      function* lines(): Generator<string> {
        while (world.seeded < end) {
          const c = world.activity.draw();
          const group = members[c];
          const at = new Date(world.firstAt + world.seeded * stepMs).toISOString();
          const latest = recent[c];
          if (latest.length && rand() < GROWTH_WORLD.reactionShare) {
            const messageId = latest[Math.floor(rand() * latest.length)];
            const user = userIds[group[Math.floor(rand() * group.length)]];
            const emoji = EMOJI[Math.floor(rand() * EMOJI.length)];
            const key = `${messageId}|${emoji}|${user}`;
            if (world.reactionKeys.has(key)) continue;
            world.reactionKeys.add(key);
            revs.set(messageId, ++seqs[c]);
            reactionLines.push(`${messageId}\t${user}\t${emoji}\t${at}\n`);
            continue;
          }
          const id = randomUUID();
          const seq = ++seqs[c];
          const replyTo = latest.length && rand() < GROWTH_WORLD.replyShare ? latest[Math.floor(rand() * latest.length)] : "\\N";
          const sender = userIds[group[Math.floor(rand() * group.length)]];
          yield `${id}\t${ids[c]}\t${seq}\t${seq}\t${sender}\t${randomUUID()}\t${copyText(body(rand))}\t${at}\t${replyTo}\n`;
          latest.push(id);
          if (latest.length > RECENT) latest.shift();
          world.seeded++;
        }
      }
      await copyRows(sql, "copy messages (id, conversation_id, seq, rev, sender_id, client_id, body, created_at, reply_to_id) from stdin", lines());
      log(`copied ${world.seeded.toLocaleString("en-US")} messages (${((performance.now() - copyStarted) / 1000).toFixed(0)} s)`);
    }
    await copyRows(sql, "copy reactions (message_id, user_id, emoji, created_at) from stdin", reactionLines);
    await sql`create temporary table growth_revs (id uuid primary key, rev bigint not null)`;
    await copyRows(sql, "copy growth_revs (id, rev) from stdin", [...revs].map(([id, rev]) => `${id}\t${rev}\n`));
    await sql`update messages m set rev = r.rev from growth_revs r where m.id = r.id and m.rev < r.rev`;
    await sql`drop table growth_revs`;
    await sql`update conversations c set last_seq = v.n from unnest(${ids}::uuid[], ${Array.from(seqs)}::bigint[]) as v(id, n) where c.id = v.id and c.last_seq <> v.n`;
  } finally {
    await sql`alter table messages enable trigger messages_search_enqueue`;
  }
  const copySeconds = (performance.now() - copyStarted) / 1000;

  const searchStarted = performance.now();
  await sql`insert into message_search (message_id, conversation_id, created_at, search)
    select id, conversation_id, created_at, to_tsvector('parley_search', parley_search_text(body)) from messages
    where created_at >= ${fromAt} and kind = 'text' and deleted_at is null and conversation_id = any(${ids}::uuid[])
    on conflict (message_id) do nothing`;
  await sql`set maintenance_work_mem = '512MB'`;
  await sql.unsafe(def);
  await sql`reset maintenance_work_mem`;
  const searchSeconds = (performance.now() - searchStarted) / 1000;

  await setProbeReadPositions(sql, world);
  const vacuumStarted = performance.now();
  await sql`vacuum (analyze) messages, message_search, reactions, members, conversations, users`;
  await sql`checkpoint`;
  const vacuumSeconds = (performance.now() - vacuumStarted) / 1000;
  return { appended, reactions: reactionLines.length, copySeconds, searchSeconds, vacuumSeconds, totalSeconds: (performance.now() - started) / 1000 };
}

/** The probe has read most of its conversations to the end; about one in seven is 1–30 positions behind (seeded, so the same at every size). */
export async function setProbeReadPositions(sql: Sql, world: World): Promise<void> {
  const rand = random(6);
  const behind = world.probeConversations.map(() => (rand() < 0.15 ? 1 + Math.floor(rand() * 30) : 0));
  await sql`
    update members m set last_read_seq = greatest(0, c.last_seq - v.behind)
    from unnest(${world.probeConversations.map((c) => world.conversationIds[c])}::uuid[], ${behind}::int[]) as v(id, behind)
    join conversations c on c.id = v.id
    where m.conversation_id = v.id and m.user_id = ${world.userIds[world.probe]}`;
}
