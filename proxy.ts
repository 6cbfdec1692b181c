/**
 * Every page gets a Content-Security-Policy with a fresh nonce: Next puts it on its own scripts (it
 * reads the policy from the request header), so no inline script without it runs, injected or not.
 * API answers get a fixed, stricter policy from next.config.mjs.
 */
import { NextResponse, type NextRequest } from "next/server";

const dev = process.env.NODE_ENV !== "production";

export function pagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonce'd ones load (Next's chunks) may run; 'unsafe-eval' only for dev's HMR
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // style attributes need 'unsafe-inline' (a nonce in style-src would switch it off)
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = pagePolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Every page request, prefetches included: a `Purpose: prefetch` request without `RSC: 1` gets a
  // whole HTML document, and a prefetched answer may be the one a navigation uses, so each carries
  // the same policy. Not the API (next.config.mjs gives it its own) nor Next's static files.
  // The exclusions are anchored (`api/`, not `api`): `/apix` or `/favicon.icox` is a page (a 404
  // with the app's scripts) and needs the policy as much as any other.
  matcher: ["/((?!api/|api$|_next/static/|_next/image$|favicon\\.ico$).*)"],
};
