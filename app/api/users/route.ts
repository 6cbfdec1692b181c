import { registerUser } from "@/lib/accounts/register";
import { toPublicUser } from "@/lib/people/types";
import { clientAddress } from "@/lib/http/client-address";
import { json, otherMethods, readJson, readRoute, route } from "@/lib/http/route";
import { directoryRead } from "@/lib/http/reads";
import { parseInput } from "@/lib/platform/validation";
import { registerSchema } from "@/lib/accounts/schemas";

/** Registers `{ username, email, password, displayName }` → 201 `{ user }` (public fields); 400, 409 taken, 429. */
export const POST = route(async (req) => {
  const input = parseInput(registerSchema, await readJson(req));
  const user = await registerUser({ input, address: clientAddress(req.headers) });
  return json({ user: toPublicUser(user) }, 201);
});

/**
 * For signed-in users: the directory, or with `ids=a,b,…` public profiles (lib/http/reads.ts directoryRead;
 * server.ts answers the GET before Next).
 */
export const GET = readRoute(directoryRead);

const other = otherMethods("GET", "POST");
export { other as PUT, other as PATCH, other as DELETE };
