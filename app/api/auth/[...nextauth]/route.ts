import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions, clientAddress } from "@/lib/auth";
import { refuseAuthRequest, refuseOtherMethod } from "@/lib/auth-endpoints";
import { AppError, errorBody, toAppError } from "@/lib/errors";
import { errorResponse, isJson, json, parseJson, readText } from "@/lib/http";
import { checkLogin } from "@/lib/throttle";
import { loginSchema, parseInput } from "@/lib/validation";

const nextAuth = NextAuth(authOptions);

type Ctx = { params: Promise<{ nextauth: string[] }> };

export async function GET(req: NextRequest, ctx: Ctx) {
  const refused = await refuseAuthRequest(req, (await ctx.params).nextauth); // lib/auth-endpoints.ts
  if (refused) return refused;
  return nextAuth(req, ctx);
}

export { refuseOtherMethod as PUT, refuseOtherMethod as PATCH, refuseOtherMethod as DELETE };

const LOGIN_BODY_LIMIT = 4 * 1024;

/** The documented error shape, plus the `url` that next-auth's client signIn() reads its error from. */
function signInError(req: Request, err: AppError) {
  const url = `${new URL(req.url).protocol}//${req.headers.get("host")}/login?error=${err.code}`;
  const res = json({ ...errorBody(err), url }, err.status);
  if (err.retryAfter !== undefined) res.headers.set("Retry-After", String(err.retryAfter));
  return res;
}

/**
 * Credential sign-ins are validated and pass the login throttle before next-auth sees them:
 * slowed after a few failures, then refused with 429. Failures answer with the error shape.
 */
export async function POST(req: NextRequest, ctx: Ctx) {
  const refused = await refuseAuthRequest(req, (await ctx.params).nextauth); // lib/auth-endpoints.ts
  if (refused) return refused;
  const [action, provider] = (await ctx.params).nextauth;
  if (action !== "callback" || provider !== "credentials") return nextAuth(req, ctx);
  try {
    const text = await readText(req.clone(), LOGIN_BODY_LIMIT);
    const body = isJson(req) ? parseJson(text) : Object.fromEntries(new URLSearchParams(text));
    const { login } = parseInput(loginSchema, { login: (body as Record<string, unknown>)?.login, password: (body as Record<string, unknown>)?.password });

    const gate = await checkLogin(login, clientAddress(req.headers));
    if (gate.retryAfter > 0) {
      const minutes = Math.ceil(gate.retryAfter / 60);
      const message = `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
      return signInError(req, new AppError("rate_limited", message, undefined, gate.retryAfter));
    }
    if (gate.delayMs) await new Promise((r) => setTimeout(r, gate.delayMs));

    const res = await nextAuth(req, ctx);
    if (res.status === 401) {
      // Same answer for an unknown account and a wrong password.
      return signInError(req, new AppError("unauthorized", "Wrong username, email or password"));
    }
    return res;
  } catch (err) {
    const e = toAppError(err);
    return e.status < 500 ? signInError(req, e) : errorResponse(e);
  }
}
