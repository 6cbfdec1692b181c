/**
 * The growth bench's measurements (bench/growth.ts) against the real Parley server, with the
 * clients the app uses: socket.io-client for `message:send` and `sync`, HTTP for a history page,
 * the conversation list and the directory (components/chat/client/api.ts). One request at a time
 * (sends paced), each timed from the call to its answer read whole, in milliseconds.
 */
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import type postgres from "postgres";
import { io, type Socket } from "socket.io-client";
import type { ConversationView } from "@/lib/conversations/types";
import type { MessageView } from "@/lib/messages/types";
import { HISTORY_PAGE } from "@/lib/messages/rules";
import { DIRECTORY_PAGE } from "@/lib/people/rules";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/contract";
import { sessionCookie } from "@/lib/sessions/cookies";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/sessions/store";
import type { DirectoryLengthPoint, MeasuredPoint } from "./growth-report";
import { random, setProbeReadPositions, type World } from "./growth-seed";
import { machineBusySeconds, summarize, type Summary } from "./stats";

type Sql = postgres.Sql;
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How much each measurement takes: samples (≥ 200 each), and the sends' pace. */
export const GROWTH_SAMPLES = {
  history: 400,
  sync: 200,
  list: 300,
  directory: 300,
  warmup: 20,
  send: { rate: 200, warmupMs: 3000, durationMs: 20_000, drainMs: 10_000 },
  /** messages the probe missed, caught up by `sync` */
  missed: 1000,
};

/** "; bare HTTP p50 1.2 p99 7.6 ms" (the floor beside a block) for the progress lines. */
const floorText = (f?: Summary) => (f ? `; bare HTTP p50 ${f.p50.toFixed(1)} p99 ${f.p99.toFixed(1)} ms` : "");
/** "CPU 12.3 + 4.5 ms" (server + PostgreSQL per request) for the progress lines. */
const cpuText = (c: { server: number; postgres: number }) => `CPU ${c.server.toFixed(1)} + ${c.postgres.toFixed(1)} ms`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Before a measurement, wait (≤ 10 s) until the machine is quieter than half a core, as bench/run.ts does: others share it. */
export async function waitForQuiet(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  for (;;) {
    const before = machineBusySeconds();
    await sleep(1000);
    const busy = machineBusySeconds() - before;
    if (busy < 0.5 || Date.now() - started >= 10_000) {
      if (Date.now() - started > 1500) log(`  waited ${((Date.now() - started) / 1000).toFixed(0)} s for a quieter machine (now ${Math.round(busy * 100)} % busy)`);
      return;
    }
  }
}

/** The whole machine's CPU from now until the returned function is called, in % of one core (ours and everyone's). */
function machineCpu(): () => number {
  const at = performance.now();
  const busy = machineBusySeconds();
  return () => ((machineBusySeconds() - busy) / ((performance.now() - at) / 1000)) * 100;
}

/** Session rows and next-auth cookies (as a sign-in makes them) for the users the bench acts as. */
export async function mintCookies(sql: Sql, secret: string, world: World, users: number[]): Promise<Map<number, string>> {
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  const rows = await sql`insert into sessions ${sql(users.map((u) => ({ user_id: world.userIds[u], expires_at: expires, user_agent: "parley-growth-bench" })))} returning id, user_id`;
  const index = new Map(world.userIds.map((id, u) => [id, u]));
  const cookies = new Map<number, string>();
  for (const r of rows) {
    const u = index.get(r.user_id as string)!;
    const token = await encode({ token: { sub: r.user_id, name: world.usernames[u], sid: r.id }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
    cookies.set(u, `${sessionCookie(false).name}=${token}`);
  }
  return cookies;
}

/** Who sends into each of the probe's conversations: a member other than the probe (the first one). */
export function sendersOf(world: World): number[] {
  return world.probeConversations.map((c) => [...world.members[c]].find((u) => u !== world.probe)!);
}

function connect(url: string, cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false, timeout: 30_000, extraHeaders: { cookie } });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject(err);
    });
  });
}

async function getJson<T>(url: string, cookie: string): Promise<T> {
  const res = await fetch(url, { headers: { cookie } });
  const data = (await res.json()) as T;
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(data)}`);
  return data;
}

/** Picks an index with probability ∝ weights[i]. */
function weighted(weights: number[], rand: () => number): () => number {
  const cdf: number[] = [];
  let sum = 0;
  for (const w of weights) cdf.push((sum += w));
  return () => {
    const u = rand() * sum;
    const i = cdf.findIndex((x) => x >= u);
    return i < 0 ? cdf.length - 1 : i;
  };
}

/** CPU seconds used so far by the server and by PostgreSQL (NaN where unknown). */
export type CpuMeter = () => { server: number; postgres: number };

/** CPU per request (ms) between two readings of `meter`, over `n` requests. */
function perRequest(meter: CpuMeter, n: number): () => { server: number; postgres: number } {
  const before = meter();
  return () => {
    const after = meter();
    return { server: ((after.server - before.server) * 1000) / n, postgres: ((after.postgres - before.postgres) * 1000) / n };
  };
}

/** Times `n` calls of `call` one after another (after `warmup` untimed ones): the latencies in ms, the machine's CPU and the CPU per call. */
async function timed(n: number, warmup: number, meter: CpuMeter, call: (i: number) => Promise<void>, profile?: () => Promise<() => Promise<void>>, floor?: () => Promise<void>): Promise<{ ms: number[]; machineCpu: number; cpuPerRequest: { server: number; postgres: number }; floor?: Summary }> {
  for (let i = 0; i < warmup; i++) await call(-1 - i);
  const ms: number[] = [];
  const floorMs: number[] = [];
  const stopProfile = await profile?.();
  const cpu = machineCpu();
  const used = perRequest(meter, n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    ms.push(performance.now() - t0);
    if (floor) {
      const t1 = performance.now();
      await floor();
      floorMs.push(performance.now() - t1);
    }
  }
  const result = { ms, machineCpu: cpu(), cpuPerRequest: used(), ...(floor && { floor: summarize(floorMs) }) };
  await stopProfile?.();
  return result;
}

/** Directory queries as typed: 1–4 first letters of a person's first or last name (a person drawn at random). */
export function directoryQueries(world: World, n: number, seed: number): string[] {
  const rand = random(seed);
  return Array.from({ length: n }, (_, i) => {
    const [first, last] = world.names[1 + Math.floor(rand() * (world.names.length - 1))];
    const name = rand() < 0.5 ? first : last;
    return name.slice(0, 1 + (i % 4));
  });
}

/** The newest `n` revs of each of the probe's conversations (newest first). */
export async function newestRevs(sql: Sql, world: World, n: number): Promise<Map<string, number[]>> {
  const ids = world.probeConversations.map((c) => world.conversationIds[c]);
  const rows = await sql`
    select v.id, coalesce(array_agg(r.rev order by r.rev desc) filter (where r.rev is not null), '{}') as revs
    from unnest(${ids}::uuid[]) as v(id)
    left join lateral (select rev from messages where conversation_id = v.id order by rev desc limit ${n}) r on true
    group by v.id`;
  return new Map(rows.map((r) => [r.id as string, (r.revs as (string | number)[]).map(Number)]));
}

/**
 * The positions a client holding every one of the probe's conversations would send after missing
 * the newest `missed` changes: `missed` split at random over the conversations by their activity,
 * each conversation's cursor set below its newest `k` revs (so exactly `missed` messages have rev > since).
 */
export function missedPositions(world: World, revs: Map<string, number[]>, missed: number, rand: () => number): Record<string, number> {
  const ids = world.probeConversations.map((c) => world.conversationIds[c]);
  const pick = weighted(world.probeConversations.map((c) => world.weights[c]), rand);
  const available = ids.reduce((n, id) => n + revs.get(id)!.length, 0);
  if (available < missed) throw new Error(`the probe's conversations hold ${available} changes, fewer than the ${missed} to miss`);
  const k = new Map<string, number>();
  for (let placed = 0; placed < missed; ) {
    const id = ids[pick()];
    if ((k.get(id) ?? 0) >= revs.get(id)!.length) continue;
    k.set(id, (k.get(id) ?? 0) + 1);
    placed++;
  }
  return Object.fromEntries(ids.map((id) => [id, revs.get(id)![k.get(id) ?? 0] ?? 0]));
}

/** The probe's conversations' newest positions and sizes, for history pages. */
async function probeHistories(sql: Sql, world: World): Promise<{ id: string; lastSeq: number; messages: number }[]> {
  const ids = world.probeConversations.map((c) => world.conversationIds[c]);
  const rows = await sql`
    select c.id, c.last_seq, (select count(*) from messages m where m.conversation_id = c.id)::int as n
    from conversations c where c.id = any(${ids}::uuid[])`;
  return rows.map((r) => ({ id: r.id as string, lastSeq: Number(r.last_seq), messages: Number(r.n) }));
}

/**
 * Every measurement at the current size against the server at `url`: sends first (the newest
 * messages, which `sync` then catches up on, are theirs at every size), the probe's read positions
 * set again, then the conversation list, the directory, history pages and `sync` catch-ups.
 * `cookies` holds the probe's and the senders' session cookies.
 */
/**
 * One size's measurements. `profile(name)`, when given, starts a CPU profile of the server for the measured
 * requests of block `name` ("list", "directory", "history", "sync") and returns what stops and writes it.
 */
export async function measurePoint(opts: { url: string; floorUrl?: string; sql: Sql; world: World; cookies: Map<number, string>; seed: number; cpu: CpuMeter; log: (line: string) => void; profile?: (name: string) => Promise<() => Promise<void>>; sendMs?: number; samples?: number }): Promise<MeasuredPoint> {
  const { url, sql, world, cookies, log, cpu: meter } = opts;
  // `samples` < 1 (npm run bench -- --quick) takes that share of each block's requests
  const scale = opts.samples ?? 1;
  const S = { ...GROWTH_SAMPLES, list: Math.round(GROWTH_SAMPLES.list * scale), directory: Math.round(GROWTH_SAMPLES.directory * scale), history: Math.round(GROWTH_SAMPLES.history * scale), sync: Math.round(GROWTH_SAMPLES.sync * scale) };
  const rand = random(opts.seed);
  // the floor: one request to the bare HTTP server after each HTTP read (timed() times it apart)
  const floor = opts.floorUrl
    ? async () => {
        const res = await fetch(opts.floorUrl!);
        await res.arrayBuffer();
      }
    : undefined;
  const probeCookie = cookies.get(world.probe)!;
  const probe = await connect(url, probeCookie);
  const senderUsers = sendersOf(world);
  const senders = await Promise.all(senderUsers.map((u) => connect(url, cookies.get(u)!)));
  try {
    await waitForQuiet(log);
    const send = await measureSends(world, senders, rand, meter, opts.sendMs);
    log(`  send at ${S.send.rate}/s: ack p50 ${send.latency.p50.toFixed(1)} p99 ${send.latency.p99.toFixed(1)} ms (${send.latency.n} acks, ${send.errors} errors, ${cpuText(send.cpuPerRequest)}, machine ${send.machineCpu.toFixed(0)} %)`);

    // the probe has read its conversations as before the sends (they are what `sync` catches up on below)
    await setProbeReadPositions(sql, world);
    await waitForQuiet(log);
    let conversations = 0;
    const list = await timed(S.list, S.warmup, meter, async () => {
      const res = await getJson<{ conversations: ConversationView[] }>(`${url}/api/conversations`, probeCookie);
      conversations = res.conversations.length;
    }, opts.profile && (() => opts.profile!("list")), floor);
    log(`  list: p50 ${summarize(list.ms).p50.toFixed(1)} p99 ${summarize(list.ms).p99.toFixed(1)} ms (${conversations} conversations, ${cpuText(list.cpuPerRequest)}${floorText(list.floor)})`);

    await waitForQuiet(log);
    const queries = directoryQueries(world, S.directory + S.warmup, opts.seed + 1);
    let results = 0;
    const directory = await timed(S.directory, S.warmup, meter, async (i) => {
      const q = queries[i < 0 ? S.directory - 1 - i : i];
      const res = await getJson<{ users: unknown[] }>(`${url}/api/users?${new URLSearchParams({ q, limit: String(DIRECTORY_PAGE.default) })}`, probeCookie);
      if (i >= 0) results += res.users.length;
    }, opts.profile && (() => opts.profile!("directory")), floor);
    const byLength: DirectoryLengthPoint[] = [1, 2, 3, 4].map((length) => ({ length, latency: summarize(directory.ms.filter((_, i) => queries[i].length === length)) }));
    log(`  directory: p50 ${summarize(directory.ms).p50.toFixed(1)} p99 ${summarize(directory.ms).p99.toFixed(1)} ms (${byLength.map((b) => `${b.length} letters p99 ${b.latency.p99.toFixed(1)}`).join(", ")}; ${cpuText(directory.cpuPerRequest)}${floorText(directory.floor)})`);

    await waitForQuiet(log);
    const histories = await probeHistories(sql, world);
    const pickHistory = weighted(histories.map((h) => h.messages), rand);
    const depth: number[] = [];
    const history = await timed(S.history, S.warmup, meter, async (i) => {
      const h = histories[pickHistory()];
      const before = 1 + Math.floor(rand() * h.lastSeq);
      const q = new URLSearchParams({ limit: String(HISTORY_PAGE.default), before: String(before) });
      const res = await getJson<{ messages: MessageView[] }>(`${url}/api/conversations/${h.id}/messages?${q}`, probeCookie);
      if (i >= 0) depth.push(before / h.lastSeq);
      if (before > 1 && res.messages.length === 0) throw new Error(`history before ${before} of ${h.id} was empty`);
    }, opts.profile && (() => opts.profile!("history")), floor);
    const oldest = history.ms.filter((_, i) => depth[i] < 0.1);
    log(`  history: p50 ${summarize(history.ms).p50.toFixed(1)} p99 ${summarize(history.ms).p99.toFixed(1)} ms (oldest tenth: n ${oldest.length}, p99 ${summarize(oldest).p99.toFixed(1)}; ${cpuText(history.cpuPerRequest)}${floorText(history.floor)})`);

    await waitForQuiet(log);
    const rounds: number[] = [];
    const received: number[] = [];
    const sinces: Record<string, number>[] = [];
    const revs = await newestRevs(sql, world, S.missed + 1);
    for (let i = 0; i < S.sync + S.warmup; i++) sinces.push(missedPositions(world, revs, S.missed, rand));
    const sync = await timed(S.sync, S.warmup, meter, async (i) => {
      let since = sinces[i < 0 ? S.sync - 1 - i : i];
      let n = 0;
      let got = 0;
      for (;;) {
        const res = await probe.timeout(10_000).emitWithAck("sync", { since });
        if (!res.ok) throw new Error(`sync: ${res.error.code} ${res.error.message}`);
        n++;
        got += res.messages.length;
        if (!res.hasMore || !res.messages.length) break;
        since = { ...since };
        for (const m of res.messages) since[m.conversationId] = Math.max(since[m.conversationId] ?? 0, m.rev);
      }
      if (i >= 0) {
        rounds.push(n);
        received.push(got);
      }
    }, opts.profile && (() => opts.profile!("sync")));
    log(`  sync of ${S.missed}: p50 ${summarize(sync.ms).p50.toFixed(1)} p99 ${summarize(sync.ms).p99.toFixed(1)} ms (${(rounds.reduce((a, b) => a + b, 0) / rounds.length).toFixed(1)} requests, ${Math.min(...received)}–${Math.max(...received)} messages, ${cpuText(sync.cpuPerRequest)})`);

    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      list: { latency: summarize(list.ms), machineCpu: list.machineCpu, cpuPerRequest: list.cpuPerRequest, floor: list.floor, conversations },
      directory: { latency: summarize(directory.ms), machineCpu: directory.machineCpu, cpuPerRequest: directory.cpuPerRequest, floor: directory.floor, byLength, meanResults: results / S.directory },
      history: { latency: summarize(history.ms), machineCpu: history.machineCpu, cpuPerRequest: history.cpuPerRequest, floor: history.floor, oldestTenth: summarize(oldest), pageSize: HISTORY_PAGE.default },
      sync: { latency: summarize(sync.ms), machineCpu: sync.machineCpu, cpuPerRequest: sync.cpuPerRequest, missed: S.missed, meanRequests: mean(rounds), meanMessages: mean(received) },
      send,
    };
  } finally {
    probe.close();
    for (const s of senders) s.close();
  }
}

/**
 * `message:send` at GROWTH_SAMPLES.send.rate a second, spread evenly, into the probe's conversations
 * by their activity, each from that conversation's sender; ack latency of the sends of the measured
 * window (after the warm-up).
 */
async function measureSends(world: World, senders: ClientSocket[], rand: () => number, meter: CpuMeter, sendMs?: number): Promise<MeasuredPoint["send"]> {
  const { rate, drainMs } = GROWTH_SAMPLES.send;
  // a shorter window (npm run bench -- --quick) gets a shorter warm-up too
  const { warmupMs, durationMs } = sendMs ? { warmupMs: 1000, durationMs: sendMs } : GROWTH_SAMPLES.send;
  const pick = weighted(world.probeConversations.map((c) => world.weights[c]), rand);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let pending = 0;
  const total = Math.round((rate * (warmupMs + durationMs)) / 1000);
  const start = performance.now();
  let cpu: (() => number) | undefined;
  let used: ReturnType<typeof perRequest> | undefined;
  let n = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((rate * (performance.now() - start)) / 1000));
      for (; n < due; n++) {
        const p = pick();
        const sentAt = performance.now();
        const inWindow = sentAt - start >= warmupMs;
        if (inWindow) {
          cpu ??= machineCpu();
          used ??= perRequest(meter, (rate * durationMs) / 1000);
        }
        pending++;
        const conversationId = world.conversationIds[world.probeConversations[p]];
        senders[p].emit("message:send", { conversationId, clientId: randomUUID(), body: `growth bench ${n}` }, (res) => {
          pending--;
          if (!res.ok) {
            errors++;
            firstError ??= `${res.error.code}: ${res.error.message}`;
          } else if (inWindow) latencies.push(performance.now() - sentAt);
        });
      }
      if (n >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const machine = cpu?.() ?? NaN;
  const cpuPerRequest = used?.() ?? { server: NaN, postgres: NaN };
  const drainUntil = Date.now() + drainMs;
  while (pending > 0 && Date.now() < drainUntil) await sleep(20);
  if (firstError) console.error(`[growth]   send errors: ${errors} (first: ${firstError})`);
  return { rate, sent: total, unacked: pending, errors, latency: summarize(latencies), machineCpu: machine, cpuPerRequest };
}
