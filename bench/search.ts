/**
 * The search step (issue 14, item 10): seeds 1,000,000 messages into 1,000 groups by COPY (one user in
 * 50 of them), times lib/search/service.ts `searchMessages` for one- and two-word queries across the
 * word-frequency spectrum, EXPLAINs a common and a rare query, and measures what the search index
 * costs a send: the writer's insert transaction paced at 2,000 messages/s with the index and the
 * generated column, then without them (dropped in place, so this step runs last on its database).
 *
 * Part of `npm run bench` (bench/run.ts), or alone: `npm run bench:search [-- --quick]`, which starts
 * its own embedded PostgreSQL under .data/bench-search-<pid>, prints the figures and removes it.
 * `--quick` seeds 100,000 messages instead. Like bench/seed.ts, this writes SQL straight into a
 * throwaway database: it prepares a workload, it is not part of the app.
 */
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../db/embedded";
import { removeEmbeddedData } from "../db/embedded-root";
import { runMigrations } from "../db/migrate";
import { plansFile, searchSection, type QueryBand, type SearchBenchResults, type SearchPlan, type SendPhase } from "./search-report";
import { machineBusySeconds, summarize } from "./stats";

/** The corpus of the acceptance line; `--quick` takes a tenth of the messages. */
export const SEARCH_CORPUS = { messages: 1_000_000, quickMessages: 100_000, conversations: 1000, users: 2000, memberOf: 50, groupSize: 10, vocabulary: 5000 };
const LIMIT = 20;
const QUERIES = { oneWord: 200, twoWord: 200, warmup: 30 };
/** Word ranks (1 = most frequent) each one-word band draws from; stop words are skipped. */
const BANDS = { common: [1, 100], medium: [300, 1500], rare: [2500, 5000] } as const;
/** The writer at 2,000 msgs/s made about 30 batches a second (docs/benchmarks.md, writer table). */
const SEND = { rate: 2000, batchesPerS: 30, warmupMs: 2000, durationMs: 15_000 };
const DAY_MS = 86_400_000;

type Sql = postgres.Sql;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Before a measurement, wait (≤ 10 s) until the machine is quieter than half a core, as bench/run.ts does: others share it. */
async function waitForQuiet(): Promise<void> {
  const started = Date.now();
  for (;;) {
    const before = machineBusySeconds();
    await sleep(1000);
    const busy = machineBusySeconds() - before;
    if (busy < 0.5 || Date.now() - started >= 10_000) {
      if (Date.now() - started > 1500) console.log(`[search]   waited ${((Date.now() - started) / 1000).toFixed(0)} s for a quieter machine (now ${Math.round(busy * 100)} % busy)`);
      return;
    }
  }
}

/** The whole machine's CPU use from now until the returned function is called, in % of one core (ours and everyone's). */
function machineCpu(): () => number {
  const at = performance.now();
  const busy = machineBusySeconds();
  return () => ((machineBusySeconds() - busy) / ((performance.now() - at) / 1000)) * 100;
}

/** A small seeded PRNG (mulberry32), so two runs seed the same corpus and ask the same queries. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The head of the distribution: English stop words (PostgreSQL does not index them) and chat words.
const STOP = "i the you to a and it is that of in for we this on be so but with have just not are my me do was at can if what all will".split(" ");
const CHAT = (
  "ok thanks meeting tomorrow today lunch deploy review build test bug fix release merge branch server database coffee weekend " +
  "project design team call update issue ticket customer report budget plan idea great sounds good sure later morning afternoon " +
  "evening week month time work home office remote schedule agenda slides demo launch feature sprint standup deadline priority " +
  "question answer help problem change config error crash alert latency traffic account login password email message chat " +
  "channel photo video link file upload download share note list chart price order payment invoice contract client partner " +
  "vendor interview candidate offer vacation holiday trip flight hotel train bike walk gym game movie music book pizza dinner " +
  "breakfast tea party birthday gift family kids dog weather rain snow sunny cold happy sorry please awesome nice cool weird " +
  "funny busy tired ready done late early quick slow big small new first next maybe probably definitely actually really " +
  "already soon again staging production rollback migration index query cache memory disk network backup restore invite " +
  "onboarding roadmap quarter metrics dashboard experiment hypothesis survey feedback prototype mockup wireframe font color " +
  "logo banner landing pricing discount coupon shipping warehouse inventory supplier audit compliance security vulnerability " +
  "patch upgrade kernel compiler linter formatter benchmark profiler flamegraph tracing sampling histogram percentile"
).split(" ");
// Words outside ASCII, found without their accents too ("resume" finds "résumé").
const ACCENTED = "café résumé naïve façade jalapeño crème brûlée über Zürich São Müller señor piñata déjà coöperate fiancée Ångström smörgåsbord Kraków Île".split(" ");
const JAPANESE = ["私は東京に住んでいます。", "今日はいい天気ですね。", "会議は明日の午後三時からです。", "新しい機能をリリースしました！", "東京駅で待ち合わせしましょう。", "ありがとうございます、確認します。"];
/** Accent-folded and Japanese queries, reported apart. */
const NON_ASCII_QUERIES = ["resume", "cafe", "zurich", "東京", "天気", "会議"];

/** 5,000 words by rank: stop words first, chat words and accented words spread down the ranks, made-up words between. */
function vocabulary(size: number): string[] {
  const rand = random(14);
  const slots: (string | undefined)[] = new Array(size).fill(undefined);
  const place = (word: string, rank: number) => {
    let i = Math.min(size - 1, Math.max(0, Math.round(rank)));
    while (slots[i] !== undefined) i = (i + 1) % size;
    slots[i] = word;
  };
  STOP.forEach((w, i) => place(w, i));
  // the first 100 chat words take the ranks after the stop words, the rest spread geometrically to the tail
  CHAT.forEach((w, i) => place(w, i < 100 ? STOP.length + i : (STOP.length + 100) * Math.pow(size / (STOP.length + 100), (i - 100) / (CHAT.length - 100))));
  ACCENTED.forEach((w, i) => place(w, 60 * Math.pow(size / 60, i / ACCENTED.length)));
  const taken = new Set(slots.filter((w): w is string => w !== undefined).map((w) => w.toLowerCase()));
  const onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gl", "kr", "pl", "st", "tr", "sh", "ch"];
  const vowels = ["a", "e", "i", "o", "u", "ai", "ou"];
  const codas = ["", "", "", "n", "r", "l", "m", "x"];
  for (let i = 0; i < size; i++) {
    if (slots[i] !== undefined) continue;
    for (;;) {
      const syllables = 2 + Math.floor(rand() * 2);
      let w = "";
      for (let s = 0; s < syllables; s++) w += onsets[Math.floor(rand() * onsets.length)] + vowels[Math.floor(rand() * vowels.length)];
      w += codas[Math.floor(rand() * codas.length)];
      if (!taken.has(w)) {
        taken.add(w);
        slots[i] = w;
        break;
      }
    }
  }
  return slots as string[];
}

/** Draws ranks (0-based) with probability ∝ 1 / (rank + 1): Zipf's law with s = 1. */
function zipf(size: number, rand: () => number): () => number {
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) cdf[r] = sum += 1 / (r + 1);
  return () => {
    const u = rand() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Message bodies: 2–40 words (about 9 on average), now and then a Japanese sentence. Counts each word's messages. */
class Bodies {
  readonly docFreq: Int32Array;
  readonly japaneseFreq: Int32Array;
  private readonly stamp: Int32Array;
  private readonly rank: () => number;
  private n = 0;
  words = 0;

  constructor(
    readonly vocab: string[],
    private readonly rand: () => number,
  ) {
    this.docFreq = new Int32Array(vocab.length);
    this.stamp = new Int32Array(vocab.length).fill(-1);
    this.japaneseFreq = new Int32Array(JAPANESE.length);
    this.rank = zipf(vocab.length, rand);
  }

  next(): string {
    const id = this.n++;
    const u = this.rand();
    if (u < 0.003) {
      const j = Math.floor(this.rand() * JAPANESE.length);
      this.japaneseFreq[j]++;
      return JAPANESE[j];
    }
    const length = Math.min(40, 2 + Math.floor(-Math.log(1 - this.rand()) * 7));
    const parts: string[] = [];
    for (let i = 0; i < length; i++) {
      const r = this.rank();
      if (this.stamp[r] !== id) {
        this.stamp[r] = id;
        this.docFreq[r]++;
      }
      parts.push(this.vocab[r]);
    }
    this.words += length;
    let body = parts.join(" ");
    if (this.rand() < 0.3) body = body[0].toUpperCase() + body.slice(1);
    const end = this.rand();
    if (end < 0.15) body += "?";
    else if (end < 0.25) body += "!";
    else if (end < 0.3) body += "…";
    if (u < 0.005) {
      const j = Math.floor(this.rand() * JAPANESE.length);
      this.japaneseFreq[j]++;
      body += ` ${JAPANESE[j]}`;
    }
    return body;
  }
}

/** COPY's text format: backslash, tab, newline and carriage return escaped. */
const copyText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!);

interface Corpus {
  userId: string;
  conversationIds: string[];
  /** member user ids of each conversation */
  members: string[][];
  /** the measured user's conversations */
  mine: string[];
  userMessages: number;
  /** words per seeded message (the send phases draw more bodies afterwards) */
  meanWords: number;
  bodies: Bodies;
  copySeconds: number;
  indexSeconds: number;
  totalSeconds: number;
}

/**
 * Seeds the corpus into a migrated database: users `search_0000…` (search_0000 is the measured one),
 * groups "Search group …" of 10 plus the measured user in every 20th, and `messages` messages by COPY
 * with seq/rev counted per conversation (conversations.last_seq set to match), random senders among
 * the members, fresh client ids, and times spread over the last year in seq order. As one would load a
 * table: the queueing trigger is off and the GIN index dropped for the COPY, the documents are made
 * in one statement after it and the index built again; then the tables are vacuumed and analysed.
 */
export async function seedSearchCorpus(url: string, messages: number): Promise<Corpus> {
  const { conversations: C, users: U, memberOf, groupSize, vocabulary: V } = SEARCH_CORPUS;
  const started = performance.now();
  const rand = random(10);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const userIds = Array.from({ length: U }, () => randomUUID());
    const names = userIds.map((_, i) => `search_${String(i).padStart(4, "0")}`);
    await sql`insert into users ${sql(userIds.map((id, i) => ({ id, username: names[i], email: `${names[i]}@bench.test`, display_name: `Search ${i}`, password_hash: "not-a-hash" })))}`;
    const conversationIds = Array.from({ length: C }, () => randomUUID());
    await sql`insert into conversations ${sql(conversationIds.map((id, c) => ({ id, kind: "group", title: `Search group ${c}`, created_by: userIds[1 + ((c * groupSize) % (U - 1))] })))}`;
    const stride = C / memberOf;
    const members = conversationIds.map((_, c) => {
      const ids = Array.from({ length: groupSize }, (_, k) => userIds[1 + ((c * groupSize + k) % (U - 1))]);
      return c % stride === 0 ? [userIds[0], ...ids] : ids;
    });
    const memberRows = members.flatMap((ids, c) => ids.map((user_id, k) => ({ conversation_id: conversationIds[c], user_id, role: k === 0 ? "owner" : "member" })));
    await sql`insert into members ${sql(memberRows)}`;
    const mine = conversationIds.filter((_, c) => c % stride === 0);

    const [{ def }] = await sql<{ def: string }[]>`select pg_get_indexdef('message_search_words'::regclass) as def`;
    await sql`drop index message_search_words`;
    // loaded as one loads a table: no per-row queueing, the documents made in one statement after
    await sql`alter table messages disable trigger messages_search_enqueue`;
    const bodies = new Bodies(vocabulary(V), rand);
    const seqs = new Int32Array(C);
    const firstAt = Date.now() - 365 * DAY_MS;
    const step = (365 * DAY_MS) / messages;
    function* lines(): Generator<string> {
      const chunk: string[] = [];
      for (let i = 0; i < messages; i++) {
        const c = Math.floor(rand() * C);
        const seq = ++seqs[c];
        const group = members[c];
        const sender = group[Math.floor(rand() * group.length)];
        const at = new Date(firstAt + i * step).toISOString();
        chunk.push(`${conversationIds[c]}\t${seq}\t${seq}\t${sender}\t${randomUUID()}\t${copyText(bodies.next())}\t${at}\n`);
        if (chunk.length === 2000) yield chunk.splice(0).join("");
      }
      if (chunk.length) yield chunk.join("");
    }
    const copyStarted = performance.now();
    const writable = await sql`copy messages (conversation_id, seq, rev, sender_id, client_id, body, created_at) from stdin`.writable();
    await pipeline(Readable.from(lines()), writable);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    await sql`update conversations c set last_seq = v.n from unnest(${conversationIds}::uuid[], ${Array.from(seqs)}::bigint[]) as v(id, n) where c.id = v.id`;

    const indexStarted = performance.now();
    await sql`insert into message_search (message_id, conversation_id, created_at, search)
      select id, conversation_id, created_at, to_tsvector('parley_search', parley_search_text(body)) from messages where kind = 'text' and deleted_at is null
      on conflict (message_id) do nothing`;
    await sql`alter table messages enable trigger messages_search_enqueue`;
    await sql`set maintenance_work_mem = '256MB'`;
    await sql.unsafe(def);
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    await sql`vacuum (analyze) messages, members, conversations, users`;
    const userMessages = mine.reduce((sum, id) => sum + seqs[conversationIds.indexOf(id)], 0);
    return { userId: userIds[0], conversationIds, members, mine, userMessages, meanWords: bodies.words / messages, bodies, copySeconds, indexSeconds, totalSeconds: (performance.now() - started) / 1000 };
  } finally {
    await sql.end();
  }
}

interface Query {
  band: string;
  q: string;
  /** messages holding the (rarer) word */
  docFreq: number;
}

/** Which words PostgreSQL indexes under parley_search (a stop word gives an empty document). */
async function indexedWords(url: string, words: string[]): Promise<Set<string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ w: string }[]>`select w from unnest(${words}::text[]) as w where to_tsvector('parley_search', parley_search_text(w)) <> ''::tsvector`;
    return new Set(rows.map((r) => r.w));
  } finally {
    await sql.end();
  }
}

/** The measured queries: 200 one-word across the bands, 200 two-word pairs of bands, and a few apart: the most frequent words, accent-folded and Japanese. */
async function queries(url: string, corpus: Corpus): Promise<{ oneWord: Query[]; twoWord: Query[]; nonAscii: Query[]; ranks: Record<string, string>; stopWords: number }> {
  const { vocab, docFreq, japaneseFreq } = corpus.bodies;
  const indexed = await indexedWords(url, vocab);
  const rand = random(2026);
  const pools = Object.fromEntries(
    Object.entries(BANDS).map(([band, [from, to]]) => [band, vocab.map((w, r) => ({ w, r })).filter(({ w, r }) => r + 1 >= from && r + 1 <= to && indexed.has(w))]),
  ) as Record<keyof typeof BANDS, { w: string; r: number }[]>;
  const pick = (band: keyof typeof BANDS) => pools[band][Math.floor(rand() * pools[band].length)];
  const bands = Object.keys(BANDS) as (keyof typeof BANDS)[];
  const oneWord = Array.from({ length: QUERIES.oneWord }, (_, i) => {
    const band = bands[i % bands.length];
    const { w, r } = pick(band);
    return { band, q: w, docFreq: docFreq[r] };
  });
  const pairs: [keyof typeof BANDS, keyof typeof BANDS][] = [["common", "common"], ["common", "medium"], ["common", "rare"], ["medium", "rare"]];
  const twoWord = Array.from({ length: QUERIES.twoWord }, (_, i) => {
    const [a, b] = pairs[i % pairs.length];
    const x = pick(a);
    let y = pick(b);
    while (y.w === x.w) y = pick(b);
    return { band: `${a} + ${b}`, q: `${x.w} ${y.w}`, docFreq: Math.min(docFreq[x.r], docFreq[y.r]) };
  });
  const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  const nonAscii = NON_ASCII_QUERIES.flatMap((q) => {
    const r = vocab.findIndex((w) => fold(w) === q);
    const freq = r >= 0 ? docFreq[r] : JAPANESE.reduce((sum, s, j) => sum + (s.includes(q) ? japaneseFreq[j] : 0), 0);
    const band = r >= 0 ? "accent-folded" : "Japanese";
    return Array.from({ length: 4 }, () => ({ band, q, docFreq: freq }));
  });
  // the five most frequent indexed words, beyond the sampled bands: the worst case for a single word
  const top = vocab.map((w, r) => ({ w, r })).filter(({ w }) => indexed.has(w)).slice(0, 5);
  nonAscii.unshift(...top.flatMap(({ w, r }) => Array.from({ length: 4 }, () => ({ band: "top 5 words", q: w, docFreq: docFreq[r] }))));
  const ranks = { "top 5 words": `${top[0].r + 1}–${top[top.length - 1].r + 1}`, ...Object.fromEntries(Object.entries(BANDS).map(([b, [from, to]]) => [b, `${from}–${to}`])), "accent-folded": "spread", Japanese: "0.8 % of messages" };
  return { oneWord, twoWord, nonAscii, ranks, stopWords: vocab.filter((w) => !indexed.has(w)).length };
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

/** Points the app's modules in this process at the bench database (rate limits off, no Redis); returns its pool. */
async function useDatabase(url: string): Promise<Sql> {
  const { loadEnv } = await import("@/lib/platform/env");
  loadEnv({ ...process.env, DATABASE_URL: url, RATE_LIMITS: "off", REDIS_URL: "" });
  const { getSql } = await import("@/db");
  return getSql();
}

/** Times `searchMessages` itself, in this process, pointed at the bench database (rate limits off). */
async function timeSearches(url: string, userId: string, all: Query[]): Promise<{ times: Map<Query, { ms: number; results: number }>; machineCpu: number }> {
  await useDatabase(url);
  const { searchMessages } = await import("@/lib/search/service");
  const { closeDb } = await import("@/db");
  const rand = random(7);
  try {
    for (const q of shuffle(all, rand).slice(0, QUERIES.warmup)) await searchMessages({ userId, q: q.q, limit: LIMIT });
    const times = new Map<Query, { ms: number; results: number }>();
    await waitForQuiet();
    const cpu = machineCpu();
    for (const q of shuffle(all, rand)) {
      const t0 = performance.now();
      const { results } = await searchMessages({ userId, q: q.q, limit: LIMIT });
      times.set(q, { ms: performance.now() - t0, results: results.length });
    }
    return { times, machineCpu: cpu() };
  } finally {
    await closeDb();
  }
}

function bandsOf(list: Query[], times: Map<Query, { ms: number; results: number }>, ranks: Record<string, string>): QueryBand[] {
  const names = [...new Set(list.map((q) => q.band))];
  return names.map((band) => {
    const qs = list.filter((q) => q.band === band);
    const rankText = band.includes(" + ") ? band.split(" + ").map((b) => ranks[b]).join(" + ") : ranks[band];
    return {
      band,
      ranks: rankText,
      examples: [...new Set(qs.map((q) => q.q))].slice(0, 3),
      medianDocFreq: median(qs.map((q) => q.docFreq)),
      meanResults: qs.reduce((sum, q) => sum + times.get(q)!.results, 0) / qs.length,
      latency: summarize(qs.map((q) => times.get(q)!.ms)),
    };
  });
}

/** The hits query of lib/search/service.ts for positive words without filters (kept in step by hand). */
const HITS_SQL = (terms: number) => `
  select m.id, (extract(epoch from m.created_at) * 1000000)::bigint::text as at_us, c.kind as c_kind, c.title as c_title
  from message_search s join messages m on m.id = s.message_id join conversations c on c.id = m.conversation_id
  where s.conversation_id = any($1::uuid[]) and m.deleted_at is null and m.kind = 'text'
    and s.search @@ (${Array.from({ length: terms }, (_, i) => `phraseto_tsquery('parley_search', parley_search_text($${i + 2}))`).join(" && ")})
  order by m.created_at desc, m.id desc
  limit ${LIMIT + 1}`;

/** The plan's nodes, top-down, with the hot figures: index rows, heap blocks, buffers. */
function planSummary(text: string): string {
  const lines = text.split("\n");
  const nodes = lines.filter((l, i) => i === 0 || /->/.test(l)).map((l) => l.replace(/^\s*(->\s*)?/, "").replace(/\s+\(cost=.*$/, ""));
  const indexScan = lines.find((l) => /Index Scan/.test(l));
  const indexRows = indexScan ? /actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+)/.exec(indexScan)?.[1] : undefined;
  const heap = lines.find((l) => /Heap Blocks:/.test(l))?.trim();
  const buffers = lines.find((l) => /Buffers:/.test(l))?.trim();
  return `${nodes.join(" → ")}${indexRows ? `; index rows ${indexRows}` : ""}${heap ? `; ${heap}` : ""}${buffers ? `; ${buffers}` : ""}`;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the hits query for the given searches, as the measured user. */
async function explain(url: string, mine: string[], cases: { label: string; words: string[] }[]): Promise<SearchPlan[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const plans: SearchPlan[] = [];
    for (const { label, words } of cases) {
      const rows = await sql.unsafe(`explain (analyze, buffers) ${HITS_SQL(words.length)}`, [mine, ...words]);
      const text = rows.map((r) => r["QUERY PLAN"] as string).join("\n");
      const planning = Number(/Planning Time: ([\d.]+)/.exec(text)?.[1] ?? NaN);
      const execution = Number(/Execution Time: ([\d.]+)/.exec(text)?.[1] ?? NaN);
      plans.push({ label, query: words.join(" "), executionMs: planning + execution, summary: planSummary(text), text });
    }
    return plans;
  } finally {
    await sql.end();
  }
}

/**
 * One paced insert phase: every 1/batchesPerS s a batch of rate/batchesPerS messages goes through the
 * writer's transaction (lib/messages/writer.ts: the senders held, the conversations locked, positions
 * taken, the same multi-row INSERT … RETURNING, COMMIT), one batch at a time as the writer does. A
 * batch that is due while another runs waits: its wait counts from when it was due.
 */
async function sendPhase(sql: Sql, label: string, corpus: Corpus, rand: () => number, indexer?: Sql): Promise<{ phase: SendPhase; waits: number[] }> {
  const { holdUsers, lockConversations } = await import("@/lib/platform/locks");
  const { takePositions } = await import("@/lib/messages/positions");
  const { returningMessageColumns } = await import("@/db/message-rows");
  const size = Math.round(SEND.rate / SEND.batchesPerS);
  const interval = 1000 / SEND.batchesPerS;
  const transaction: number[] = [];
  const wait: number[] = [];
  await waitForQuiet();
  let cpu: (() => number) | undefined;
  // the node's indexer, as in the server: every INDEX_EVERY_MS it drains the queue the sends fill
  const { indexAll, INDEX_EVERY_MS } = await import("@/lib/search/indexer");
  let indexing = true;
  const indexerLoop = indexer
    ? (async () => {
        while (indexing) {
          await indexAll(indexer);
          await sleep(INDEX_EVERY_MS);
        }
      })()
    : undefined;
  const start = performance.now();
  for (let i = 0; ; i++) {
    const due = start + i * interval;
    if (due - start >= SEND.warmupMs + SEND.durationMs) break;
    const now = performance.now();
    if (due > now) await sleep(due - now);
    const items = Array.from({ length: size }, () => {
      const c = Math.floor(rand() * corpus.conversationIds.length);
      const group = corpus.members[c];
      return { c: corpus.conversationIds[c], s: group[Math.floor(rand() * group.length)], k: randomUUID(), b: corpus.bodies.next() };
    });
    const t0 = performance.now();
    await sql.begin(async (tx) => {
      await holdUsers(tx, items.map((p) => p.s));
      await lockConversations(tx, items.map((p) => p.c));
      const counts = new Map<string, number>();
      for (const p of items) counts.set(p.c, (counts.get(p.c) ?? 0) + 1);
      const next = await takePositions(tx, counts);
      const rows = items.map((p) => {
        const seq = next.get(p.c)!;
        next.set(p.c, seq + 1);
        return { c: p.c, q: seq, s: p.s, k: p.k, b: p.b, r: null, m: [] };
      });
      await tx`
        insert into messages (conversation_id, seq, rev, sender_id, client_id, body, reply_to_id, mentions)
        select x.c, x.q, x.q, x.s, x.k, x.b, x.r, array(select jsonb_array_elements_text(x.m))
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(c uuid, q bigint, s uuid, k uuid, b text, r uuid, m jsonb)
        on conflict do nothing returning ${returningMessageColumns(tx)}`;
    });
    const t1 = performance.now();
    if (due - start >= SEND.warmupMs) {
      cpu ??= machineCpu();
      transaction.push(t1 - t0);
      wait.push(t1 - due);
    }
  }
  indexing = false;
  await indexerLoop;
  const phase = { label, rate: SEND.rate, batchesPerS: SEND.batchesPerS, batches: transaction.length, transaction: summarize(transaction), wait: summarize(wait), machineCpu: cpu?.() ?? NaN };
  console.log(`[search]   sends ${label}: transaction p50 ${phase.transaction.p50.toFixed(1)} p99 ${phase.transaction.p99.toFixed(1)} ms, wait p99 ${phase.wait.p99.toFixed(1)} ms, machine ${phase.machineCpu.toFixed(0)} %`);
  return { phase, waits: wait };
}

/** How many times each state runs in measureSendCost (alternating, the order flipped every round). */
const SEND_ROUNDS = { full: 5, quick: 1 };

/**
 * What search costs a send: insert phases at 2,000 msgs/s as migrated (each insert queues its message
 * through the trigger, and an indexer drains the queue beside the sends, as each node's does), and
 * without search (the trigger off, no indexer). The states take turns `rounds` times each, in the
 * order with/without, then without/with, and so on, so a neighbour's burst or the table's growth
 * falls on both alike. The ratio compares the p99 of every batch of each state pooled (15 s × rounds
 * of batches each: a single 15 s phase's p99 is its 5th-slowest batch, and two phases of the same
 * state differed × 1.45 on this machine); the median of the rounds' own ratios is reported beside
 * it. Leaves the trigger on and the queue drained.
 */
export async function measureSendCost(url: string, corpus: Corpus, rounds = SEND_ROUNDS.full): Promise<SearchBenchResults["send"]> {
  const sql = await useDatabase(url); // the app's own pool, as the writer uses it
  const indexer = postgres(url, { max: 1, onnotice: () => {}, idle_timeout: 0, max_lifetime: null });
  const { closeDb } = await import("@/db");
  // as each node's indexer does (lib/search/indexer.ts): its database process at a lower CPU priority
  const { lowerIndexerPriority } = await import("@/lib/search/indexer");
  const lowered = await lowerIndexerPriority(indexer);
  const rand = random(99);
  try {
    const migrated = "with search (queued by the trigger, indexed beside the sends)";
    const without = "without search (no trigger, no indexer)";
    const phases: SendPhase[] = [];
    const waits = { with: [] as number[], without: [] as number[] };
    const roundRatios: number[] = [];
    const withSearch = async () => {
      const { phase, waits: w } = await sendPhase(sql, migrated, corpus, rand, indexer);
      phases.push(phase);
      waits.with.push(...w);
      return phase.wait.p99;
    };
    const withoutSearch = async () => {
      await sql`alter table messages disable trigger messages_search_enqueue`;
      try {
        const { phase, waits: w } = await sendPhase(sql, without, corpus, rand);
        phases.push(phase);
        waits.without.push(...w);
        return phase.wait.p99;
      } finally {
        await sql`alter table messages enable trigger messages_search_enqueue`;
      }
    };
    for (let round = 0; round < rounds; round++) {
      let withP99: number, withoutP99: number;
      if (round % 2 === 0) {
        withP99 = await withSearch();
        withoutP99 = await withoutSearch();
      } else {
        withoutP99 = await withoutSearch();
        withP99 = await withSearch();
      }
      roundRatios.push(withP99 / withoutP99);
      console.log(`[search]   round ${round + 1}: send wait p99 with/without × ${(withP99 / withoutP99).toFixed(2)}`);
    }
    const pooledWith = summarize(waits.with).p99;
    const pooledWithout = summarize(waits.without).p99;
    const sortedRatios = [...roundRatios].sort((x, y) => x - y);
    const method = `the writer's insert transaction timed directly (not through the server and sockets), with a search indexer running beside it${lowered ? " (its database process at a lower CPU priority, as in the server)" : " (its database process at normal priority: not on this machine)"}`;
    return { method, phases, rounds, roundRatios, medianRoundRatio: sortedRatios[Math.floor((sortedRatios.length - 1) / 2)], ratio: pooledWith / pooledWithout, withIndexP99: pooledWith, withoutP99: pooledWithout };
  } finally {
    await indexer.end();
    await closeDb();
  }
}

async function countMessages(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [{ n }] = await sql`select count(*)::int as n from messages`;
    return Number(n);
  } finally {
    await sql.end();
  }
}

/** Sizes in MB: the messages table (heap alone, and with TOAST and every index), the search index; shared_buffers. */
async function sizes(url: string): Promise<SearchBenchResults["sizes"]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [r] = await sql`select pg_relation_size('messages') as t, pg_total_relation_size('messages') as tt, pg_relation_size('message_search_words') as i, current_setting('shared_buffers') as sb`;
    const mb = (v: unknown) => Number(v) / 2 ** 20;
    return { tableMB: mb(r.t), tableTotalMB: mb(r.tt), searchIndexMB: mb(r.i), sharedBuffers: r.sb as string };
  } finally {
    await sql.end();
  }
}

/**
 * The whole search step on a migrated database `url`: seed, time the searches, EXPLAIN, then the send
 * cost (which drops the index and the column: run it last). `quick` seeds 100,000 messages.
 */
export async function runSearchBench(url: string, opts: { quick?: boolean } = {}): Promise<SearchBenchResults> {
  const started = performance.now();
  const messages = opts.quick ? SEARCH_CORPUS.quickMessages : SEARCH_CORPUS.messages;
  const otherMessages = await countMessages(url);
  console.log(`[search] seeding ${messages.toLocaleString("en-US")} messages by COPY`);
  const corpus = await seedSearchCorpus(url, messages);
  console.log(`[search]   COPY ${corpus.copySeconds.toFixed(1)} s, index ${corpus.indexSeconds.toFixed(1)} s, ${corpus.totalSeconds.toFixed(1)} s in all`);
  const size = await sizes(url);
  console.log(`[search]   table ${size.tableMB.toFixed(0)} MB (${size.tableTotalMB.toFixed(0)} MB in all), message_search_words ${size.searchIndexMB.toFixed(0)} MB`);
  const { oneWord, twoWord, nonAscii, ranks, stopWords } = await queries(url, corpus);
  console.log(`[search] timing ${oneWord.length + twoWord.length + nonAscii.length} searches`);
  const { times, machineCpu: searchCpu } = await timeSearches(url, corpus.userId, [...oneWord, ...twoWord, ...nonAscii]);
  const summaryOf = (list: Query[]) => summarize(list.map((q) => times.get(q)!.ms));
  const oneBands = bandsOf(oneWord, times, ranks);
  const twoBands = bandsOf(twoWord, times, ranks);
  for (const b of [...oneBands, ...twoBands]) console.log(`[search]   ${b.band}: p50 ${b.latency.p50.toFixed(1)} p99 ${b.latency.p99.toFixed(1)} ms`);
  const byFreq = (band: string, pickMax: boolean) =>
    oneWord.filter((q) => q.band === band).reduce((best, q) => ((pickMax ? q.docFreq > best.docFreq : q.docFreq < best.docFreq) ? q : best));
  const plans = await explain(url, corpus.mine, [
    { label: "common word", words: [byFreq("common", true).q] },
    { label: "rare word", words: [byFreq("rare", false).q] },
    { label: "two words, common + rare", words: twoWord.find((q) => q.band === "common + rare")!.q.split(" ") },
  ]);
  console.log("[search] send cost with and without the index");
  const send = await measureSendCost(url, corpus, opts.quick ? SEND_ROUNDS.quick : SEND_ROUNDS.full);
  const { bodies } = corpus;
  return {
    quick: Boolean(opts.quick),
    corpus: {
      messages,
      otherMessages,
      conversations: SEARCH_CORPUS.conversations,
      users: SEARCH_CORPUS.users,
      memberOf: corpus.mine.length,
      userMessages: corpus.userMessages,
      vocabulary: bodies.vocab.length,
      stopWords,
      meanWords: corpus.meanWords,
    },
    seed: { copySeconds: corpus.copySeconds, indexSeconds: corpus.indexSeconds, totalSeconds: corpus.totalSeconds },
    sizes: size,
    limit: LIMIT,
    searchMachineCpu: searchCpu,
    oneWord: oneBands,
    oneWordAll: summaryOf(oneWord),
    twoWord: twoBands,
    twoWordAll: summaryOf(twoWord),
    nonAscii: bandsOf(nonAscii, times, ranks),
    slowest: [...times]
      .sort(([, a], [, b]) => b.ms - a.ms)
      .slice(0, 5)
      .map(([q, t]) => ({ q: q.q, band: q.band, ms: t.ms, results: t.results, docFreq: q.docFreq })),
    plans,
    send,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

/** Writes docs/search-plans.md from a full-size run (a quick run's plans are not worth keeping). */
export function writeSearchPlans(r: SearchBenchResults, root: string, command: string): void {
  if (r.quick) return;
  fs.writeFileSync(path.join(root, "docs", "search-plans.md"), plansFile(r, new Date().toISOString(), command));
}

/** `npm run bench:search`: its own embedded database, the step, the figures on stdout, then cleanup. */
async function standalone(): Promise<void> {
  const root = process.cwd();
  const dir = path.join(root, ".data", `bench-search-${process.pid}`);
  let db: EmbeddedDatabase | undefined;
  const cleanup = async () => {
    await db?.stop().catch(() => {});
    removeEmbeddedData(path.join(dir, "postgres"));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    db = await startEmbeddedDatabase({ dataDir: path.join(dir, "postgres"), password: randomBytes(18).toString("base64url"), database: "parley" });
    await runMigrations(db.url);
    const r = await runSearchBench(db.url, { quick: process.argv.includes("--quick") });
    writeSearchPlans(r, root, "npm run bench:search");
    console.log(`\n${searchSection(r, "#")}`);
    console.log(`[search] done in ${r.totalSeconds.toFixed(0)} s${r.quick ? "" : "; wrote docs/search-plans.md"}`);
  } catch (err) {
    console.error("[search] failed:", err);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

if (/bench[\\/]search\.ts$/.test(process.argv[1] ?? "")) void standalone();
