/**
 * The catch-up cursor of one loaded timeline (issue 11, item 1; the cases are in docs/protocol.md,
 * "Catching up"). Every new message, edit and delete takes its conversation's next position (rev),
 * so positions are contiguous. `synced` is the highest position up to which this client holds
 * every change; `sync` starts from it after a reconnect or when a gap shows. It moves only when
 * nothing below the new value can be missing: a position that joins up (rev === synced + 1, from a
 * live event or one's own acknowledgement alike), a loaded page, a sync answer. A position held
 * out of order waits in `ahead` until the ones before it arrive.
 */
export interface Cursor {
  synced: number;
  /** positions above `synced` already held, ascending, without repeats */
  ahead: number[];
}

/** Out-of-order positions kept at most; beyond that the highest are forgotten (sync brings them again). */
export const MAX_AHEAD = 500;

export const NO_CURSOR: Cursor = { synced: 0, ahead: [] };

/** `upTo` and everything below it are held; joins up any positions already held above it. */
export function raiseTo(cursor: Cursor, upTo: number): Cursor {
  let synced = Math.max(cursor.synced, upTo);
  let i = 0;
  while (i < cursor.ahead.length && cursor.ahead[i] <= synced + 1) {
    synced = Math.max(synced, cursor.ahead[i]);
    i++;
  }
  if (synced === cursor.synced && i === 0) return cursor;
  return { synced, ahead: cursor.ahead.slice(i) };
}

/**
 * One position held (a live `message:new` / `message:updated`, an acknowledgement, a duplicate):
 * it raises `synced` only when it is the next one, else it waits in `ahead`.
 */
export function holdPosition(cursor: Cursor, rev: number): Cursor {
  if (rev <= cursor.synced || cursor.ahead.includes(rev)) return cursor;
  if (rev === cursor.synced + 1) return raiseTo(cursor, rev);
  const ahead = [...cursor.ahead, rev].sort((a, b) => a - b).slice(0, MAX_AHEAD);
  return { ...cursor, ahead };
}

/**
 * Whether something exists that this cursor may not hold: a position held out of order, or a
 * conversation end (`lastSeq`, from the list or a live event) beyond it.
 */
export function hasGap(cursor: Cursor, lastSeq: number): boolean {
  return cursor.ahead.length > 0 || lastSeq > cursor.synced;
}
