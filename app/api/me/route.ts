import { toOwnProfile } from "@/lib/accounts";
import { json, requireAuth, route } from "@/lib/http";

export const GET = route(async (req) => {
  const { user } = await requireAuth(req);
  return json({ user: toOwnProfile(user) });
});
