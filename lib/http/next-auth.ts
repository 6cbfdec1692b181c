/**
 * next-auth (credentials, JWT cookie) backed by a server-side session row: the JWT carries the
 * session id, and every request, action and socket checks that row (lib/sessions/store.ts).
 */
import "server-only";
import type { NextAuthOptions, User as NextAuthUser } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyCredentials } from "../accounts/credentials";
import { env } from "../platform/env";
import { SESSION_COOKIE_NAMES, sessionCookie } from "../sessions/cookies";
import { log } from "../platform/log";
import { endSession } from "../sessions/end";
import { createSession, getLiveSession, SESSION_MAX_AGE_SECONDS, type LiveSession } from "../sessions/store";
import { currentLoginAttempt } from "../accounts/login-throttle";
import { decodeSessionToken } from "./session-token";
import { loginSchema } from "../accounts/schemas";

declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Parley",
      credentials: { login: { type: "text" }, password: { type: "password" } },
      /**
       * Verifies only a sign-in that lib/http/sign-in.ts reserved in the login throttle, for the very login
       * it reserved (OWASP Authentication: what is throttled is what is verified), and creates the
       * session only at the credential version the password was verified against (createSession).
       * Every refusal — unknown account, wrong password, a password changed or an account deleted
       * meanwhile — is the same null, which next-auth answers 401.
       */
      async authorize(credentials, req) {
        const parsed = loginSchema.safeParse({ login: credentials?.login, password: credentials?.password });
        const attempt = currentLoginAttempt();
        if (!parsed.success || !attempt || attempt.login !== parsed.data.login) return null;
        const user = await verifyCredentials({ login: parsed.data.login, password: parsed.data.password });
        // The account must be the one the throttle counted (not one registered under that name since).
        const ua = req?.headers?.["user-agent"];
        const session = user && user.id === attempt.accountId ? await createSession({ userId: user.id, userAgent: typeof ua === "string" ? ua : null, credentialVersion: user.credentialVersion }) : null;
        attempt.outcome = session ? "success" : "failure";
        if (!user || !session) return null;
        return { id: user.id, name: user.displayName, sid: session.id } as NextAuthUser;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.sid = (user as NextAuthUser & { sid: string }).sid;
        delete token.email; // never put an email in the cookie
        return token;
      }
      // Throwing here makes next-auth clear the cookie of a revoked session (/api/auth/session).
      if (!(await getLiveSession(token.sid))) throw new Error("session ended");
      return token;
    },
    async session({ session, token }) {
      return { ...session, user: { id: token.sub, name: token.name } as never };
    },
  },
  events: {
    // Every sign-out path (the UI button, a POST to /api/auth/signout) ends the session row.
    async signOut({ token }) {
      if (token?.sid) await endSession({ sessionId: token.sid });
    },
  },
  logger: {
    // next-auth passes request-derived values (codes, URLs, error messages): lib/platform/log.ts keeps each
    // call one bounded line. A revoked session seen at /api/auth/session is expected (its cookie is
    // cleared), not an error.
    error(code, metadata) {
      if (code !== "JWT_SESSION_ERROR") log.error("next-auth", code, metadata);
    },
    warn(code) {
      if (code !== "NEXTAUTH_URL") log.warn("next-auth", code);
    },
    debug() {},
  },
  // Read when next-auth asks (per request), not when this module loads: server.ts imports it before
  // it settles the environment (lib/platform/env.ts).
  get useSecureCookies() {
    return env().secureCookies;
  },
  // The session cookie as lib/sessions/cookies.ts describes it, so next-auth's own writes and clears
  // (sign-in, sign-out, a revoked session) match signInFromAction's and every other clear.
  get cookies() {
    return { sessionToken: sessionCookie() };
  },
  get secret() {
    return env().authSecret;
  },
};

/** The session token from parsed cookies, joining next-auth's chunks (`name.0`, `name.1`, …). */
export function sessionTokenFromCookies(cookies: Record<string, string | undefined>): string | null {
  for (const name of SESSION_COOKIE_NAMES) {
    if (cookies[name]) return cookies[name]!;
    const chunks: string[] = [];
    for (let i = 0; cookies[`${name}.${i}`] !== undefined; i++) chunks.push(cookies[`${name}.${i}`]!);
    if (chunks.length) return chunks.join("");
  }
  return null;
}

/** The live session behind a set of request cookies, or null. */
export async function authenticateCookies(cookies: Record<string, string | undefined>): Promise<LiveSession | null> {
  const token = sessionTokenFromCookies(cookies);
  const secret = env().authSecret;
  if (!token || !secret) return null;
  // next-auth's `decode` would derive the token's key again for every request and handshake
  return getLiveSession(decodeSessionToken(token, secret)?.sid);
}
