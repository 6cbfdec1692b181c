/** Same-origin checks, without dependencies: server.ts uses this before Next is involved. */

/**
 * Whether a request with these headers was sent by another site. Without Origin it was not sent by
 * a browser on another site: browsers always send Origin on state-changing requests.
 */
export function isCrossSite(origin: string | null | undefined, host: string | null | undefined): boolean {
  if (!origin) return false;
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host;
  } catch {
    /* malformed: cross-site */
  }
  return !host || originHost !== host;
}
