import { registerUser, toPublicUser } from "@/lib/accounts";
import { clientAddress } from "@/lib/auth";
import { json, otherMethods, readJson, requireAuth, route } from "@/lib/http";
import { consumeRegistration } from "@/lib/limiter";
import { searchDirectory } from "@/lib/people";
import { directoryQuerySchema, parseInput, registerSchema } from "@/lib/validation";

export const POST = route(async (req) => {
  const input = parseInput(registerSchema, await readJson(req));
  await consumeRegistration(clientAddress(req.headers));
  const user = await registerUser(input);
  return json({ user: toPublicUser(user) }, 201);
});

/** The directory, for signed-in users: `q` matches username or display name, in any case. */
export const GET = route(async (req) => {
  const { user } = await requireAuth(req);
  const query = parseInput(directoryQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  return json(await searchDirectory({ ...query, userId: user.id }));
});

const other = otherMethods("GET", "POST");
export { other as PUT, other as PATCH, other as DELETE };
