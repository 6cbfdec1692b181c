/**
 * The session cookie, described once: its name and attributes as next-auth sets it (authOptions
 * hands these to next-auth), as signInFromAction sets it, and as every clear removes it. Under an
 * https public URL (NEXTAUTH_URL) the cookie is `__Secure-`-prefixed and Secure; a browser ignores a
 * Set-Cookie for a `__Secure-` name that lacks Secure, so a clear written without it would leave the
 * cookie in place.
 */
import "server-only";
import { serialize } from "cookie";
import { env } from "../platform/env";

const BASE_NAME = "next-auth.session-token";

/** Every name the session cookie may have, the prefixed one first (a request is read under either). */
export const SESSION_COOKIE_NAMES = [`__Secure-${BASE_NAME}`, BASE_NAME] as const;

/** The attributes every write of the session cookie carries. */
export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: "lax";
  path: "/";
  /** true under an https public URL */
  secure: boolean;
}

/** The session cookie's name and attributes; `secure` defaults to whether the public URL is https. */
export function sessionCookie(secure: boolean = env().secureCookies): { name: string; options: SessionCookieOptions } {
  return { name: `${secure ? "__Secure-" : ""}${BASE_NAME}`, options: { httpOnly: true, sameSite: "lax", path: "/", secure } };
}

/** The write that removes the session cookie: same name and attributes, empty, `Max-Age=0`. */
export function clearedSessionCookie(secure?: boolean): { name: string; value: ""; options: SessionCookieOptions & { maxAge: 0 } } {
  const { name, options } = sessionCookie(secure);
  return { name, value: "", options: { ...options, maxAge: 0 } };
}

/** That removal as a `Set-Cookie` header value, for a Response built by hand. */
export function clearSessionCookieHeader(secure?: boolean): string {
  const { name, value, options } = clearedSessionCookie(secure);
  return serialize(name, value, options);
}
