import "server-only";

/**
 * One value per process, whichever module graph asks for it. server.ts (run by tsx) and Next's
 * bundles load this code as separate module instances, so a module-level `let` would exist twice:
 * two database pools, two rate-limit tables, a Socket.IO server the route handlers cannot see. The
 * value is kept on `globalThis` under a registered symbol (the create-t3-app pattern for the db
 * client), created on first use.
 */
const store = globalThis as unknown as Record<symbol, unknown>;

/**
 * Each name's registered symbol, looked up once per module graph: the hot paths ask for their
 * singletons several times per message, and building the name and finding its symbol in the
 * registry each time cost about 2 µs per message (issue 15 item 1).
 */
const keys = new Map<string, symbol>();
function keyOf(name: string): symbol {
  let key = keys.get(name);
  if (key === undefined) keys.set(name, (key = Symbol.for(`parley.${name}`)));
  return key;
}

/** The process-wide value named `name`, made by `create` the first time it is asked for. */
export function singleton<T>(name: string, create: () => T): T {
  const key = keyOf(name);
  const value = store[key];
  if (value !== undefined || key in store) return value as T;
  return (store[key] = create());
}

/** Replaces (or with `undefined`, forgets) the process-wide value named `name`: for shutdown and tests. */
export function setSingleton<T>(name: string, value: T | undefined): void {
  const key = keyOf(name);
  if (value === undefined) delete store[key];
  else store[key] = value;
}
