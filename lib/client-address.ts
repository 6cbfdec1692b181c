/**
 * The client's address as the server should believe it. Without trusted proxies it is the TCP peer;
 * behind `trustedHops` reverse proxies (TRUST_PROXY) it is the X-Forwarded-For entry the outermost
 * trusted proxy appended — entries further left were written by the client and prove nothing.
 * Dependency-free: server.ts stamps every request with it before Next runs.
 */
export function clientAddressOf(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  if (trustedHops <= 0 || !forwardedFor) return peer ?? "unknown";
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  // fewer entries than trusted proxies: the chain is not what we were told, so trust only the peer
  return hops.length >= trustedHops ? hops[hops.length - trustedHops] : (peer ?? "unknown");
}

/** TRUST_PROXY: how many reverse proxies stand in front of this server (default 0). */
export function trustedProxyHops(): number {
  const n = Number(process.env.TRUST_PROXY ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
