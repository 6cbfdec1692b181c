import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth";
import { refuseAuthRequest, refuseOtherMethod } from "@/lib/auth-endpoints";
import { signInWithCredentials } from "@/lib/login";

const nextAuth = NextAuth(authOptions);

type Ctx = { params: Promise<{ nextauth: string[] }> };

export async function GET(req: NextRequest, ctx: Ctx) {
  const refused = await refuseAuthRequest(req, (await ctx.params).nextauth); // lib/auth-endpoints.ts
  if (refused) return refused;
  return nextAuth(req, ctx);
}

export { refuseOtherMethod as PUT, refuseOtherMethod as PATCH, refuseOtherMethod as DELETE };

/** Credential sign-ins go through the login throttle (lib/login.ts); every other action is next-auth's. */
export async function POST(req: NextRequest, ctx: Ctx) {
  const refused = await refuseAuthRequest(req, (await ctx.params).nextauth); // lib/auth-endpoints.ts
  if (refused) return refused;
  const [action, provider] = (await ctx.params).nextauth;
  if (action === "callback" && provider === "credentials") return signInWithCredentials(req, ctx, nextAuth);
  return nextAuth(req, ctx);
}
