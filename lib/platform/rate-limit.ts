import "server-only";
import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "./env";
import { AppError } from "./errors";
import { inCluster } from "./peers";
import { getRedis, redisPrefix } from "./redis";
import { singleton } from "./singleton";

export type Limiter = Pick<RateLimiterAbstract, "consume" | "get" | "penalty" | "reward" | "delete">;

/** How long a limiter waits for Redis before this process's own counters decide. */
const STORE_TIMEOUT_MS = 500;
const late = Symbol("late");

/**
 * A rate limiter whose counters every node shares through Redis when there is one; else, in a worker
 * of `npm start`'s cluster (WEB_CONCURRENCY > 1), held by the primary for every worker
 * (rate-limiter-flexible's RateLimiterCluster, over the cluster's IPC channel; its master is made by
 * cluster.ts); else kept in memory. This process's memory stands in while the shared store is
 * unreachable, and also when it stops answering without closing the connection (a network
 * partition), which would otherwise hold every limited request until the connection died.
 */
export function makeLimiter(opts: { keyPrefix: string; points: number; duration: number }): Limiter {
  const memory = new RateLimiterMemory(opts);
  const redis = getRedis();
  if (!redis && !inCluster()) return memory;
  const shared: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        ...opts,
        keyPrefix: `${redisPrefix()}${opts.keyPrefix}`,
        storeClient: redis,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : new RateLimiterCluster({ ...opts, timeoutMs: STORE_TIMEOUT_MS });
  async function either<T>(viaShared: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> {
    // In a cluster this worker also keeps its own counts, so a primary too busy to answer in time
    // falls back to them rather than to empty counters (which let a locked account try again).
    const local = redis ? undefined : viaMemory().then((value) => ({ value }), (error: unknown) => ({ error }));
    const fallback = async () => {
      if (!local) return viaMemory();
      const r = await local;
      if ("error" in r) throw r.error;
      return r.value;
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), STORE_TIMEOUT_MS)));
    try {
      const answer = await Promise.race<T | typeof late>([
        viaShared().catch((err: unknown): typeof late => {
          // a refusal is the answer; the cluster limiter's own timeout or a closed channel is not
          if (err instanceof RateLimiterRes || redis) throw err;
          return late;
        }),
        deadline,
      ]);
      return answer === late ? await fallback() : (answer as T);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    consume: (key, points, options) => either(() => shared.consume(key, points, options), () => memory.consume(key, points, options)),
    get: (key, options) => either(() => shared.get(key, options), () => memory.get(key, options)),
    penalty: (key, points, options) => either(() => shared.penalty(key, points, options), () => memory.penalty(key, points, options)),
    reward: (key, points, options) => either(() => shared.reward(key, points, options), () => memory.reward(key, points, options)),
    delete: (key, options) => either(() => shared.delete(key, options), () => memory.delete(key, options)),
  };
}

/** One row of the table below: at most `points` events per `duration` seconds for one key. */
export interface Limit {
  points: number;
  /** the window, in seconds (a fixed window that starts with the key's first event) */
  duration: number;
  /** what the key is: the acting user's id, or the client's address (see lib/http/client-address.ts) */
  per: "user" | "address";
  /** shown to the user, followed by "Try again in N s." */
  message: string;
}

/**
 * Every rate limit, in one place. The per-user gates are called by the domain functions in lib/
 * (never by a route handler, server action or socket handler on its own), so HTTP, forms and sockets
 * share one count per user; registration, counted per address, is gated where the address is known
 * (its route and its form). Input that fails validation is refused before it is counted; everything that
 * reaches the domain counts, refused or not. Past the limit the answer is `rate_limited`: HTTP 429
 * with `Retry-After` and `error.retryAfter`, a socket ack `{ ok: false, error: { code: "rate_limited" } }`,
 * a form error. Counters are shared by every node through Redis when there is one.
 * (OWASP Denial of Service cheat sheet: limit every expensive or fanned-out operation per user.)
 * `RATE_LIMITS=off` turns all of them off.
 */
export const LIMITS = {
  /** a message, socket and HTTP together; the composer's own pace is far below */
  send: { points: 30, duration: 10, per: "user", message: "You are sending too fast." },
  /** an edit takes a position and fans out to the conversation */
  edit: { points: 30, duration: 60, per: "user", message: "You are editing too fast." },
  /** a deletion takes a position and fans out; tidying up a thread stays well within */
  delete: { points: 60, duration: 60, per: "user", message: "You are deleting too fast." },
  /** `reaction:add` and `reaction:remove` together: each real change takes a position and fans out; clicking chips on and off stays well within */
  react: { points: 60, duration: 60, per: "user", message: "You are reacting too fast." },
  /** `message:pin` (pin or unpin): takes a position and fans out like an edit */
  pin: { points: 30, duration: 60, per: "user", message: "You are pinning too fast." },
  /** `typing` events reaching the relay; the client sends one per 3 s while typing, and fan-out is coalesced to 1/s anyway (lib/realtime/typing.ts) */
  typing: { points: 60, duration: 60, per: "user", message: "Too many typing updates." },
  /** `conversation:read`: the client sends one when it shows a newer message */
  read: { points: 120, duration: 60, per: "user", message: "Too many read updates." },
  /** `sync`: a page of up to 500 messages per call; a client calls it after each reconnect, again while `hasMore` */
  sync: { points: 60, duration: 60, per: "user", message: "Too many sync requests." },
  /** a new group or direct conversation (a direct one that already exists counts too) */
  createConversation: { points: 30, duration: 600, per: "user", message: "You are starting conversations too fast." },
  /** a group's new title fans out to every member */
  rename: { points: 20, duration: 600, per: "user", message: "You are renaming too often." },
  /** adding people to a group (one call may add many) */
  addMembers: { points: 30, duration: 600, per: "user", message: "You are adding people too fast." },
  /** one's own notification level in a conversation (PATCH /api/conversations/:id/settings); a menu click each */
  conversationSettings: { points: 60, duration: 600, per: "user", message: "You are changing notification settings too often." },
  /** removing a member, or leaving */
  removeMember: { points: 60, duration: 600, per: "user", message: "You are removing people too fast." },
  /** PATCH /api/me and the settings form */
  profile: { points: 20, duration: 600, per: "user", message: "You are changing your profile too often." },
  /** password change and account deletion together: each verifies an argon2id hash (19 MiB, slow on purpose) */
  password: { points: 10, duration: 900, per: "user", message: "Too many password attempts." },
  /** GET /api/me/export: the user's whole history in one answer */
  export: { points: 10, duration: 3600, per: "user", message: "Too many exports." },
  /** the people directory (GET /api/users) */
  search: { points: 120, duration: 60, per: "user", message: "Too many searches." },
  /** setting or removing one's picture (PUT and DELETE /api/me/avatar): each decodes an image and tells everyone who shares a conversation */
  avatar: { points: 10, duration: 60, per: "user", message: "You are changing your picture too often." },
  /** uploads (POST /api/attachments): each streams a file into storage and may make a thumbnail */
  upload: { points: 30, duration: 60, per: "user", message: "You are uploading too fast." },
  /** taking one's unsent upload off the composer (DELETE /api/attachments/:id): a cheap delete, counted apart so tidying the composer never costs uploads */
  uploadDelete: { points: 60, duration: 60, per: "user", message: "You are removing files too fast." },
  /** downloads and thumbnails (GET /api/attachments/:id[/thumbnail]): a conversation of pictures asks for many at once */
  download: { points: 1200, duration: 60, per: "user", message: "Too many downloads." },
  /** message search (GET /api/search): a full-text query over all of one's conversations */
  messageSearch: { points: 60, duration: 60, per: "user", message: "Too many searches." },
  /** public profiles by id (GET /api/users?ids=, up to 100 a call): the names of senders who are no longer members */
  profiles: { points: 120, duration: 60, per: "user", message: "Too many profile lookups." },
  /** the socket `ping` event (the app itself does not use it) */
  ping: { points: 60, duration: 60, per: "user", message: "Too many pings." },
  /** a page of history over REST (GET …/messages): up to 100 messages each */
  history: { points: 300, duration: 60, per: "user", message: "Too many history requests." },
  /** the whole conversation list over REST (GET /api/conversations) */
  conversationList: { points: 120, duration: 60, per: "user", message: "Too many requests for the conversation list." },
  /** socket handshakes (each one authenticates, reads memberships and may announce presence to every room) */
  handshake: { points: 60, duration: 60, per: "user", message: "Too many connections." },
  /** socket events the protocol does not have: answered bad_request while within this */
  unknownEvent: { points: 30, duration: 60, per: "user", message: "Too many unknown events." },
  /** POST /api/users and the register form */
  register: { points: 20, duration: 3600, per: "address", message: "Too many accounts created from your address." },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/**
 * Every socket's own budget for incoming events of any kind, known or not, checked in memory before
 * anything else runs (a token bucket: `burst` events at once, refilled at `perSecond`). An event over
 * budget is answered `rate_limited` (when it has an ack) and dropped; a socket that has had more than
 * `disconnectAfter` events refused within `windowSeconds` is disconnected. (OWASP WebSocket Security:
 * limit messages per connection.) A real client stays far below: 30 sends per 10 s, a typing update
 * per 3 s, a read per new message.
 */
export const SOCKET_BUDGET = { burst: 100, perSecond: 20, disconnectAfter: 300, windowSeconds: 10 } as const;

/**
 * Open sockets per user on one node (a tab is one socket): a handshake beyond this is refused with
 * connect_error `rate_limited`. Per node, so with N nodes a user may hold up to N times this.
 */
export const MAX_SOCKETS_PER_USER = 20;

/**
 * A named limit: the returned function counts one event for `key` and throws `rate_limited`
 * (with the wait in seconds) once more than `points` happen within `duration` seconds.
 */
export function makeGate(opts: { keyPrefix: string; points: number; duration: number; message: string }): (key: string) => Promise<void> {
  let limiter: Limiter | undefined;
  return async (key) => {
    if (!env().rateLimitsOn) return;
    limiter ??= makeLimiter(opts);
    try {
      await limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError("rate_limited", `${opts.message} Try again in ${retryAfter} s.`, undefined, retryAfter);
    }
  };
}

// One table per process: Next's bundles and server.ts must count in the same place.
const gates = () => singleton("rateLimit.gates", () => new Map<LimitName, (key: string) => Promise<void>>());

/**
 * Counts one `name` event for `key` (the acting user's id, or the address for per-address rows) and
 * throws AppError `rate_limited` (with `retryAfter` in seconds) once the row's limit is passed.
 * Resolves at once when RATE_LIMITS=off.
 */
export function consume(name: LimitName, key: string): Promise<void> {
  let gate = gates().get(name);
  if (!gate) {
    const { points, duration, message } = LIMITS[name];
    gate = makeGate({ keyPrefix: name, points, duration, message });
    gates().set(name, gate);
  }
  return gate(key);
}

/**
 * One user's database-bound domain calls that run at once in this process; the others wait their
 * turn (first come, first served), at most MAX_WAITING_PER_USER of them, beyond which they are
 * refused `rate_limited`. Without it a burst that the limits allow (30 edits of one message, say,
 * each waiting for the same row lock inside a transaction) holds every connection of the pool and
 * everyone else's sends wait behind it. One at a time: a client rarely has two such calls in flight,
 * and a second one waits only milliseconds.
 */
export const MAX_IN_FLIGHT_PER_USER = 1;
export const MAX_WAITING_PER_USER = 100;

interface Turns {
  running: number;
  waiting: (() => void)[];
}
const turns = () => singleton("rateLimit.turns", () => new Map<string, Turns>());

/**
 * Counts one `name` event for `userId` (see consume) and runs `fn` in one of the user's
 * MAX_IN_FLIGHT_PER_USER turns. Throws `rate_limited` past the row's limit or when too many of the
 * user's calls are already waiting; otherwise whatever `fn` throws. No turns with RATE_LIMITS=off.
 */
export async function limited<T>(name: LimitName, userId: string, fn: () => Promise<T>): Promise<T> {
  await consume(name, userId);
  if (!env().rateLimitsOn) return fn();
  const byUser = turns();
  let t = byUser.get(userId);
  if (!t) byUser.set(userId, (t = { running: 0, waiting: [] }));
  if (t.running < MAX_IN_FLIGHT_PER_USER) t.running++;
  else if (t.waiting.length >= MAX_WAITING_PER_USER) throw new AppError("rate_limited", "Too many requests at once. Try again in 1 s.", undefined, 1);
  else await new Promise<void>((resolve) => t.waiting.push(resolve)); // a finishing call hands its turn over
  try {
    return await fn();
  } finally {
    const next = t.waiting.shift();
    if (next) next();
    else if (--t.running === 0) byUser.delete(userId);
  }
}
