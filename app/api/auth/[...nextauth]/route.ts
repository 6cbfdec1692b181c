import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/http/next-auth";
import { refuseAuthRequest, refuseOtherMethod } from "@/lib/http/next-auth-guard";
import { signInWithCredentials } from "@/lib/http/sign-in";

const nextAuth = NextAuth(authOptions);

type Ctx = { params: Promise<{ nextauth: string[] }> };

export async function GET(req: NextRequest, ctx: Ctx) {
  const refused = await refuseAuthRequest(req, (await ctx.params).nextauth); // lib/http/next-auth-guard.ts
  if (refused) return refused;
  return nextAuth(req, ctx);
}

export { refuseOtherMethod as PUT, refuseOtherMethod as PATCH, refuseOtherMethod as DELETE };

/** Credential sign-ins go through the login throttle (lib/http/sign-in.ts); every other action is next-auth's. */
export async function POST(req: NextRequest, ctx: Ctx) {
  const refused = await refuseAuthRequest(req, (await ctx.params).nextauth); // lib/http/next-auth-guard.ts
  if (refused) return refused;
  const [action, provider] = (await ctx.params).nextauth;
  if (action === "callback" && provider === "credentials") return signInWithCredentials(req, ctx, nextAuth);
  return nextAuth(req, ctx);
}
