import "server-only";

/**
 * The client's address as the server should believe it. Without trusted proxies it is the TCP peer;
 * behind `trustedHops` reverse proxies (TRUST_PROXY) it is the X-Forwarded-For entry the outermost
 * trusted proxy appended — entries further left were written by the client and prove nothing.
 * Dependency-free: server.ts stamps every request with it before Next runs.
 */
export function clientAddressOf(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  return entryFromOutermostProxy(splitForwardingList(forwardedFor), trustedHops) ?? peer ?? "unknown";
}

/**
 * The entries of a comma-separated forwarding header (X-Forwarded-For, -Host, -Proto, -Port), trimmed,
 * empty ones dropped; a header sent several times counts as one list, in order.
 */
export function splitForwardingList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value.join(",") : value)
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
}

/**
 * Of a forwarding list that each of `trustedHops` proxies appended one entry to, the entry the
 * outermost trusted proxy wrote: `entries[length - trustedHops]`. Entries further left were written
 * by the client (or by untrusted hops) and prove nothing. Undefined when no proxy is trusted, or when
 * the list has fewer entries than trusted proxies (the chain is not what we were told: trust nothing).
 */
export function entryFromOutermostProxy(entries: readonly string[], trustedHops: number): string | undefined {
  if (trustedHops <= 0 || entries.length < trustedHops) return undefined;
  return entries[entries.length - trustedHops];
}

type HeaderBag = Record<string, string | string[] | undefined> | undefined;

/** server.ts stamps every request with the peer address (overwriting any client-sent value). */
export const CLIENT_ADDRESS_HEADER = "x-parley-client-address";

/** The client's address as server.ts stamped it on the request ("unknown" when absent). */
export function clientAddress(headers: HeaderBag | Headers): string {
  const value = typeof (headers as Headers | undefined)?.get === "function" ? (headers as Headers).get(CLIENT_ADDRESS_HEADER) : (headers as HeaderBag)?.[CLIENT_ADDRESS_HEADER];
  return (Array.isArray(value) ? value[0] : value) || "unknown";
}
