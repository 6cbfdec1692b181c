import "server-only";

/**
 * One value per process, whichever module graph asks for it. server.ts (run by tsx) and Next's
 * bundles load this code as separate module instances, so a module-level `let` would exist twice:
 * two database pools, two rate-limit tables, a Socket.IO server the route handlers cannot see. The
 * value is kept on `globalThis` under a registered symbol (the create-t3-app pattern for the db
 * client), created on first use.
 */
const store = globalThis as unknown as Record<symbol, unknown>;

/** The process-wide value named `name`, made by `create` the first time it is asked for. */
export function singleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`parley.${name}`);
  if (!(key in store)) store[key] = create();
  return store[key] as T;
}

/** Replaces (or with `undefined`, forgets) the process-wide value named `name`: for shutdown and tests. */
export function setSingleton<T>(name: string, value: T | undefined): void {
  const key = Symbol.for(`parley.${name}`);
  if (value === undefined) delete store[key];
  else store[key] = value;
}
