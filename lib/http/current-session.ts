/** The signed-in user for server components and server actions (cookies from next/headers). */
import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { encode } from "next-auth/jwt";
import { authenticateCookies } from "./next-auth";
import { clearedSessionCookie, sessionCookie } from "../sessions/cookies";
import { env } from "../platform/env";
import { signedOut } from "../platform/errors";
import { createSession, SESSION_MAX_AGE_SECONDS, type LiveSession } from "../sessions/store";

async function cookieRecord(): Promise<Record<string, string>> {
  return Object.fromEntries((await cookies()).getAll().map((c) => [c.name, c.value]));
}

/** The live session of this request (looked up once per render, however many components ask). */
export const getCurrentSession = cache(async (): Promise<LiveSession | null> => authenticateCookies(await cookieRecord()));

/** The live session, or a redirect to /login. */
export async function requireSession(): Promise<LiveSession> {
  const live = await getCurrentSession();
  if (!live) redirect("/login");
  return live;
}

/**
 * Signs a user in from a server action (after registration): a session row and the same JWT cookie
 * next-auth issues on a credentials sign-in. `credentialVersion` is the one of the row just written:
 * if the password changed or the account was deleted since, no session is made and this throws
 * 401 `unauthorized` (OWASP Session Management: no session outlives the credential it came from).
 */
export async function signInFromAction(user: { id: string; displayName: string; credentialVersion: number }): Promise<void> {
  const session = await createSession({ userId: user.id, userAgent: (await headers()).get("user-agent"), credentialVersion: user.credentialVersion });
  if (!session) throw signedOut();
  const token = await encode({
    token: { sub: user.id, name: user.displayName, sid: session.id },
    secret: env().authSecret!,
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  const { name, options } = sessionCookie();
  (await cookies()).set(name, token, { ...options, maxAge: SESSION_MAX_AGE_SECONDS });
}

/** Forgets the session cookie (after the session row is gone). */
export async function clearSessionCookie(): Promise<void> {
  const { name, value, options } = clearedSessionCookie();
  (await cookies()).set(name, value, options);
}
