import { json, otherMethods, requireAuth, route } from "@/lib/http/route";
import { getPublicProfile } from "@/lib/people/directory";

export const GET = route<{ params: Promise<{ username: string }> }>(async (req, { params }) => {
  await requireAuth(req);
  const { username } = await params;
  return json({ user: await getPublicProfile({ username }) });
});

const other = otherMethods("GET");
export { other as POST, other as PUT, other as PATCH, other as DELETE };
