/**
 * Presence within this process: a user is online while at least one of their sockets is connected
 * (any tab, any device). Multi-node presence comes with the Redis adapter (issue 5).
 */
const holder = globalThis as unknown as { __parleyPresence?: Map<string, number> };
const counts = (holder.__parleyPresence ??= new Map<string, number>());

/** Counts a new socket; true when the user just came online. */
export function socketConnected(userId: string): boolean {
  const n = (counts.get(userId) ?? 0) + 1;
  counts.set(userId, n);
  return n === 1;
}

/** Counts a closed socket; true when the user just went offline. */
export function socketDisconnected(userId: string): boolean {
  const n = (counts.get(userId) ?? 1) - 1;
  if (n <= 0) counts.delete(userId);
  else counts.set(userId, n);
  return n <= 0;
}

export function isOnline(userId: string): boolean {
  return counts.has(userId);
}
