import { toOwnProfile } from "@/lib/people/types";
import { deleteAccount } from "@/lib/accounts/settings";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { updateProfile } from "@/lib/people/profile";
import { clearSessionCookieHeader } from "@/lib/sessions/cookies";
import { deleteAccountSchema } from "@/lib/accounts/schemas";
import { parseInput } from "@/lib/platform/validation";
import { profileUpdateSchema } from "@/lib/people/schemas";

export const GET = route(async (req) => {
  const { user } = await requireAuth(req);
  return json({ user: toOwnProfile(user) });
});

export const PATCH = route(async (req) => {
  const { user } = await requireAuth(req);
  const changes = parseInput(profileUpdateSchema, await readJson(req));
  return json({ user: toOwnProfile(await updateProfile({ userId: user.id, changes })) });
});

export const DELETE = route(async (req) => {
  const { user, session } = await requireAuth(req);
  const { password } = parseInput(deleteAccountSchema, await readJson(req));
  await deleteAccount({ userId: user.id, sessionId: session.id, password });
  const res = new Response(null, { status: 204 });
  res.headers.append("Set-Cookie", clearSessionCookieHeader());
  return res;
});

const other = otherMethods("GET", "PATCH", "DELETE");
export { other as POST, other as PUT };
