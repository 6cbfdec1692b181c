import { changePassword } from "@/lib/accounts/settings";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { changePasswordSchema } from "@/lib/accounts/schemas";
import { parseInput } from "@/lib/platform/validation";

/** `{ currentPassword, newPassword }` → `{ ok }`; signs out every other session. 400, 401, 403 wrong password, 429. */
export const POST = route(async (req) => {
  const { user, session } = await requireAuth(req);
  const input = parseInput(changePasswordSchema, await readJson(req));
  await changePassword({ userId: user.id, sessionId: session.id, ...input });
  return json({ ok: true });
});

const other = otherMethods("POST");
export { other as GET, other as PUT, other as PATCH, other as DELETE };
