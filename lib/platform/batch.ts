import "server-only";

/** One caller waiting for its key's value. */
interface Waiter<K, V> {
  key: K;
  resolve(value: V | undefined): void;
  reject(err: unknown): void;
}

export interface BatchOptions<K> {
  /** the weight of the keys in one load at most (default 500); more wait for the next one, but a load always takes at least one key */
  maxBatch?: number;
  /** a key's weight (default 1): a key that asks for more work counts for more */
  weight?: (key: K) => number;
}

/**
 * Group commit for reads: turns a lookup by key into one that answers many callers with one load.
 * A call is never answered by a load that began before it (its read starts after the call, so it
 * sees every change committed before the call, as a query of its own would); calls that arrive
 * while a load is under way wait for the next one, which takes them all (up to `maxBatch` keys,
 * or key weights, each key asked once). Alone, a call is loaded after the current I/O callbacks (setImmediate), with
 * the calls they made. So a reconnecting crowd's thousands of handshakes cost a few dozen queries
 * instead of thousands (issue 15, item 5), and a lone request waits for nothing.
 *
 * `load(keys)` returns the values it found by key; a key it leaves out is answered `undefined`.
 * When it throws, every caller of that load gets the error.
 */
export function batchedLookup<K, V>(load: (keys: K[]) => Promise<Map<K, V>>, opts: BatchOptions<K> = {}): (key: K) => Promise<V | undefined> {
  const maxBatch = opts.maxBatch ?? 500;
  const weight = opts.weight ?? (() => 1);
  let waiting: Waiter<K, V>[] = [];
  let running = false;
  let scheduled = false;

  const run = async () => {
    scheduled = false;
    if (running || waiting.length === 0) return;
    running = true;
    const keys: K[] = [];
    const seen = new Set<K>();
    let taken = 0;
    let weighed = 0;
    for (; taken < waiting.length; taken++) {
      const { key } = waiting[taken];
      if (!seen.has(key)) {
        const w = weight(key);
        if (keys.length > 0 && weighed + w > maxBatch) break;
        weighed += w;
        seen.add(key);
        keys.push(key);
      }
    }
    const batch = waiting.slice(0, taken);
    waiting = waiting.slice(taken);
    try {
      const found = await load(keys);
      for (const w of batch) w.resolve(found.get(w.key));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      running = false;
      if (waiting.length) schedule();
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  };

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (!running) schedule();
    });
}
