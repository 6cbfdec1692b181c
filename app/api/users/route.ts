import { registerUser, toPublicUser } from "@/lib/accounts";
import { json, readJson, route } from "@/lib/http";
import { parseInput, registerSchema } from "@/lib/validation";

export const POST = route(async (req) => {
  const input = parseInput(registerSchema, await readJson(req));
  const user = await registerUser(input);
  return json({ user: toPublicUser(user) }, 201);
});
