import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth";
import { signInWithCredentials } from "@/lib/login";

const nextAuth = NextAuth(authOptions);

type Ctx = { params: Promise<{ nextauth: string[] }> };

export const GET = nextAuth;

/** Credential sign-ins go through the login throttle (lib/login.ts); every other action is next-auth's. */
export async function POST(req: NextRequest, ctx: Ctx) {
  const [action, provider] = (await ctx.params).nextauth;
  if (action === "callback" && provider === "credentials") return signInWithCredentials(req, ctx, nextAuth);
  return nextAuth(req, ctx);
}
