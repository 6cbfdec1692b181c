import { registerUser, toPublicUser } from "@/lib/accounts";
import { json, readJson, requireAuth, route } from "@/lib/http";
import { searchDirectory } from "@/lib/people";
import { directoryQuerySchema, parseInput, registerSchema } from "@/lib/validation";

export const POST = route(async (req) => {
  const input = parseInput(registerSchema, await readJson(req));
  const user = await registerUser(input);
  return json({ user: toPublicUser(user) }, 201);
});

/** The directory, for signed-in users: `q` matches username or display name, in any case. */
export const GET = route(async (req) => {
  await requireAuth(req);
  const query = parseInput(directoryQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
  return json(await searchDirectory(query));
});
