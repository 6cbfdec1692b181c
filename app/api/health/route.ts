import { databaseIsUp } from "@/db/health";
import { json, otherMethods } from "@/lib/http/route";
import { redisState } from "@/lib/platform/redis";

export const dynamic = "force-dynamic";

/** 200 while the database answers. With Redis configured, also says whether it is reachable: a node
 *  without Redis still serves its own clients, so that alone does not make it unhealthy. */
export async function GET() {
  const db = await databaseIsUp();
  const redis = redisState();
  return json({ ok: db, db: db ? "up" : "down", ...(redis && { redis }) }, db ? 200 : 503);
}

const other = otherMethods("GET");
export { other as POST, other as PUT, other as PATCH, other as DELETE };
