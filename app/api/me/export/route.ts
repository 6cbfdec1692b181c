import { exportUserData } from "@/lib/accounts/export";
import { otherMethods, requireAuth, route } from "@/lib/http/route";

export const GET = route(async (req) => {
  const { user } = await requireAuth(req);
  const data = await exportUserData({ userId: user.id });
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="parley-export-${user.username}.json"`,
      "Cache-Control": "no-store",
    },
  });
});

const other = otherMethods("GET");
export { other as POST, other as PUT, other as PATCH, other as DELETE };
