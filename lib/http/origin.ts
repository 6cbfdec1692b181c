/**
 * The app's own origin, the one same-origin rule, and which forwarding headers to believe.
 * server.ts uses it before Next or Socket.IO see a request.
 */
import "server-only";
import type { IncomingHttpHeaders } from "node:http";
import { entryFromOutermostProxy, splitForwardingList } from "./client-address";
import { env } from "../platform/env";

/** Node's `IncomingHttpHeaders` or the Fetch API's `Headers`. */
export type HeaderSource = Headers | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  const value = typeof (headers as Headers).get === "function" ? (headers as Headers).get(name) : (headers as Record<string, string | string[] | undefined>)[name];
  if (value === null || value === undefined) return undefined;
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * An http(s) URL's origin as RFC 6454 serialises it (`scheme://host[:port]`, lowercase, default port
 * dropped), or null for anything else: malformed, opaque (`null`, `file:`, `data:`), or carrying
 * credentials, a path, a query or a fragment — which a browser's Origin header never does.
 */
export function serializedOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return null;
  return url.origin;
}

// A host header: a DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port.
const HOST = /^(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Whether a Host header value can name this server: a DNS name, IPv4 or bracketed IPv6 address with
 * an optional port in 0–65535 (RFC 9110 §7.2). Anything else (spaces, a port out of range, an
 * unclosed bracket, missing) would make next-auth fail to build its URLs, so server.ts answers it 400.
 */
export function isValidHost(host: string | undefined): boolean {
  return host !== undefined && HOST.test(host) && serializedOrigin(`http://${host}`) !== null;
}

/**
 * The origin this app is served at, as the browser sees it: `NEXTAUTH_URL`'s origin when set;
 * otherwise `${proto}://${host}` from X-Forwarded-Host (else Host) and X-Forwarded-Proto ("http"
 * unless it says "https"). Those forwarding headers must already be the believable ones — server.ts
 * strips or reduces them to the trusted proxy's value (`believeForwardedHeaders`) before anything
 * else reads a request. Null when the host is missing or malformed (then no Origin matches).
 */
export function appOrigin(headers: HeaderSource, publicUrl: string | undefined = env().publicUrl): string | null {
  if (publicUrl) {
    try {
      const url = new URL(publicUrl);
      return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
    } catch {
      return null;
    }
  }
  const host = header(headers, "x-forwarded-host") ?? header(headers, "host");
  if (!host || !HOST.test(host)) return null;
  const proto = header(headers, "x-forwarded-proto")?.toLowerCase() === "https" ? "https" : "http";
  return serializedOrigin(`${proto}://${host}`);
}

/**
 * Whether an Origin header names exactly `expected` (scheme, host and port, compared after URL
 * normalisation so that `http://h:80` is `http://h`). Absent, `null`, malformed: false.
 */
export function isSameOrigin(origin: string | null | undefined, expected: string | null): boolean {
  if (!origin || !expected) return false;
  return serializedOrigin(origin) === expected;
}

/**
 * Whether a request was sent by a page of another origin: it carries an Origin header that is not
 * `appOrigin(headers)`. Without Origin it was not sent by a browser page of another origin:
 * browsers send Origin on every WebSocket handshake, cross-origin fetch/XHR and non-GET/HEAD form
 * post (Fetch standard, "append a request Origin header"). `Origin: null` and malformed values are
 * cross-origin. This is the check of OWASP's CSRF cheat sheet ("verifying origin with standard
 * headers") and of its WebSocket cheat sheet ("validate the Origin header during the handshake").
 */
export function isCrossOrigin(headers: HeaderSource): boolean {
  const origin = header(headers, "origin");
  if (origin === undefined) return false;
  return !isSameOrigin(origin, appOrigin(headers));
}

/** Splits on `separator` outside double-quoted strings (RFC 7239 values may be quoted-strings). */
function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === "\\") {
      current += c + (value[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current.trim());
      current = "";
      continue;
    }
    current += c;
  }
  parts.push(current.trim());
  return parts.filter(Boolean);
}

/** The `key=value` pairs of one RFC 7239 forwarded-element, keys lowercased, quotes removed. */
export function forwardedPairs(element: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of splitOutsideQuotes(element, ";")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    pairs[pair.slice(0, eq).trim().toLowerCase()] = value;
  }
  return pairs;
}

const VALID = {
  host: (v: string) => HOST.test(v),
  proto: (v: string) => /^https?$/i.test(v),
  port: (v: string) => /^\d{1,5}$/.test(v),
};

/**
 * Leaves in `headers` only forwarding headers a trusted proxy wrote, so that Next, next-auth and
 * Socket.IO downstream never act on a value the client chose (next-auth builds its URLs and
 * callback-url cookie from X-Forwarded-Host/-Proto). With `trustedHops` = 0 (TRUST_PROXY unset)
 * X-Forwarded-Host, -Proto, -Port and `Forwarded` (RFC 7239) are removed. With n > 0 each becomes the
 * single entry the outermost trusted proxy wrote (the same rule as X-Forwarded-For, see
 * `entryFromOutermostProxy`), or is removed when the list is shorter than n or the entry malformed;
 * a trusted `Forwarded` element's host and proto stand in for missing X-Forwarded-Host/-Proto.
 * Mutates `headers` (a request's, before anyone reads it).
 */
export function believeForwardedHeaders(headers: IncomingHttpHeaders, trustedHops: number): void {
  const element = entryFromOutermostProxy(splitOutsideQuotes(header(headers, "forwarded") ?? "", ","), trustedHops);
  const fromForwarded = element ? forwardedPairs(element) : {};
  if (element) headers.forwarded = element;
  else delete headers.forwarded;
  for (const key of ["host", "proto", "port"] as const) {
    const name = `x-forwarded-${key}`;
    const value = entryFromOutermostProxy(splitForwardingList(headers[name]), trustedHops) ?? (key === "port" ? undefined : fromForwarded[key]);
    if (value !== undefined && VALID[key](value)) headers[name] = key === "proto" ? value.toLowerCase() : value;
    else delete headers[name];
  }
}
