import { registerUser } from "@/lib/accounts/register";
import { toPublicUser } from "@/lib/people/types";
import { clientAddress } from "@/lib/http/client-address";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http/route";
import { queryOf } from "@/lib/http/params";
import { lookupProfiles, searchDirectory } from "@/lib/people/directory";
import { directoryQuerySchema, profileLookupSchema } from "@/lib/people/schemas";
import { parseInput } from "@/lib/platform/validation";
import { registerSchema } from "@/lib/accounts/schemas";

/** Registers `{ username, email, password, displayName }` → 201 `{ user }` (public fields); 400, 409 taken, 429. */
export const POST = route(async (req) => {
  const input = parseInput(registerSchema, await readJson(req));
  const user = await registerUser({ input, address: clientAddress(req.headers) });
  return json({ user: toPublicUser(user) }, 201);
});

/**
 * For signed-in users: the directory (`q` matches username or display name, in any case), or with
 * `ids=a,b,…` the public profiles of those users (`{ users }`; deleted accounts are absent).
 */
export const GET = route(async (req) => {
  const { user } = await requireAuth(req);
  const params = queryOf(req);
  if ("ids" in params) {
    const { ids } = parseInput(profileLookupSchema, params);
    return json({ users: await lookupProfiles({ userId: user.id, ids }) });
  }
  const query = parseInput(directoryQuerySchema, params);
  return json(await searchDirectory({ ...query, userId: user.id }));
});

const other = otherMethods("GET", "POST");
export { other as PUT, other as PATCH, other as DELETE };
