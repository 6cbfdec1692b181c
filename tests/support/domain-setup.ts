/**
 * globalSetup of the `domain` project: a database and nothing else (no build, no server, no
 * sockets). A fresh embedded PostgreSQL in `.data/domain-<pid>` — its own, so it never meets the
 * server-backed projects' `.data/test-<pid>` — or DATABASE_URL when set; migrations applied. The
 * URL goes to the tests as PARLEY_DOMAIN_DATABASE_URL (tests/support/domain-env.ts makes it their
 * DATABASE_URL), not as DATABASE_URL itself, so the server-backed projects' own setup in the same
 * jest run never picks this database up.
 */
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { isAlive, startEmbeddedDatabase, stopLeftover } from "../../db/embedded";
import { removeEmbeddedData } from "../../db/embedded-root";
import { runMigrations } from "../../db/migrate";
import { domainDb, DOMAIN_DIR_PREFIX } from "./domain-db";

const dataRoot = path.resolve(__dirname, "../../.data");

/** Data left by a run that was killed before its teardown: its postgres stopped, its folder removed. */
async function sweepLeftovers(): Promise<void> {
  if (!fs.existsSync(dataRoot)) return;
  for (const entry of fs.readdirSync(dataRoot)) {
    const pid = Number(entry.slice(DOMAIN_DIR_PREFIX.length));
    if (!entry.startsWith(DOMAIN_DIR_PREFIX) || !Number.isInteger(pid) || isAlive(pid)) continue;
    const dir = path.join(dataRoot, entry);
    await stopLeftover(path.join(dir, "postgres")).catch(() => {});
    removeEmbeddedData(path.join(dir, "postgres"));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A throwaway database need not survive a crash: no flushing to disk makes the many small
 * transactions of the tests several times faster. All three settings take effect on reload.
 */
async function skipDurability(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (const setting of ["fsync", "synchronous_commit", "full_page_writes"]) await sql.unsafe(`alter system set ${setting} = off`);
    await sql`select pg_reload_conf()`;
  } finally {
    await sql.end();
  }
}

export default async function domainSetup(): Promise<void> {
  if (domainDb.current) return;
  const started = Date.now();
  let url = process.env.DATABASE_URL;
  if (!url) {
    await sweepLeftovers();
    const dir = path.join(dataRoot, `${DOMAIN_DIR_PREFIX}${process.pid}`);
    const db = await startEmbeddedDatabase({ dataDir: path.join(dir, "postgres"), password: "parley-domain", database: "parley_domain" });
    domainDb.current = { dir, stop: db.stop };
    url = db.url;
  }
  try {
    if (domainDb.current) await skipDurability(url);
    await runMigrations(url);
  } catch (err) {
    // no teardown follows a failed setup: stop what was started here
    await domainDb.release();
    throw err;
  }
  process.env.PARLEY_DOMAIN_DATABASE_URL = url;
  console.log(`[domain] database ready in ${Date.now() - started} ms`);
}
