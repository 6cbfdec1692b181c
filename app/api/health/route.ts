import { databaseIsUp } from "@/lib/health";
import { json } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET() {
  const db = await databaseIsUp();
  return json({ ok: db, db: db ? "up" : "down" }, db ? 200 : 503);
}
