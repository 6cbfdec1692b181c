/**
 * The query plans of what a domain function runs, for domain tests that hold a query to its plan (how
 * many rows it reads), not to its time. While `run` runs, the process's pool (db/index.ts) is
 * replaced by one connection on which auto_explain reports every statement's plan, with ANALYZE, to
 * this client (as notices); the pool is put back afterwards.
 */
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "@/db/schema";
import { setSingleton, singleton } from "@/lib/platform/singleton";

export interface ExplainedRun<T> {
  result: T;
  /** each statement's plan as auto_explain wrote it ("duration: … plan:", the query, the plan) */
  plans: string[];
}

/** Runs `run` with every statement's EXPLAIN ANALYZE collected (see the file's comment). */
export async function explainRun<T>(run: () => Promise<T>): Promise<ExplainedRun<T>> {
  const url = process.env.DATABASE_URL!;
  const plans: string[] = [];
  const sql = postgres(url, {
    max: 1,
    onnotice: (n) => void plans.push(String(n.message)),
    // as db/index.ts: int8 as numbers
    types: { int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
  });
  await sql`load 'auto_explain'`;
  for (const setting of ["log_min_duration = 0", "log_analyze = on", "log_timing = off", "log_nested_statements = on", "log_level = notice"]) {
    await sql.unsafe(`set auto_explain.${setting}`);
  }
  const previous = singleton<unknown>("db", () => undefined);
  setSingleton("db", { sql, db: drizzle(sql, { schema }), url });
  try {
    return { result: await run(), plans };
  } finally {
    setSingleton("db", previous);
    await sql.end();
  }
}

/**
 * The most rows one plan node read and dropped by its filter ("Rows Removed by Filter"), over all the
 * plans, counting only nodes whose line matches `node` (all by default).
 */
export function mostRowsFiltered(plans: string[], node: RegExp = /./): number {
  const counts: number[] = [];
  for (const plan of plans) {
    let current = "";
    for (const line of plan.split("\n")) {
      if (/\(cost=/.test(line)) current = line;
      const removed = /Rows Removed by Filter: (\d+)/.exec(line);
      if (removed && node.test(current)) counts.push(Number(removed[1]));
    }
  }
  return Math.max(0, ...counts);
}

/** The rows the plan nodes whose line matches `node` produced, loops included (rows × loops), over all the plans. */
export function rowsFrom(plans: string[], node: RegExp): number {
  let total = 0;
  for (const line of plans.flatMap((p) => p.split("\n"))) {
    const figures = /\(actual (?:time=[\d.]+\.\.[\d.]+ )?rows=([\d.]+) loops=(\d+)\)/.exec(line);
    if (figures && node.test(line)) total += Number(figures[1]) * Number(figures[2]);
  }
  return Math.round(total);
}

/** How many times the plan nodes whose line matches `node` ran (their loops; a node never executed ran 0 times), over all the plans. */
export function timesRun(plans: string[], node: RegExp): number {
  let total = 0;
  for (const line of plans.flatMap((p) => p.split("\n"))) {
    const loops = /\(actual [^)]*loops=(\d+)\)/.exec(line);
    if (loops && node.test(line)) total += Number(loops[1]);
  }
  return total;
}

/**
 * timesRun, counting only nodes inside a SubPlan (what runs once per row of the node that uses it), not the
 * statement's own nodes: whether the planner sorts a small page itself depends on its statistics.
 */
export function timesRunInSubPlans(plans: string[], node: RegExp): number {
  let total = 0;
  for (const plan of plans) {
    let subPlanIndent = -1;
    for (const line of plan.split("\n")) {
      const indent = line.length - line.trimStart().length;
      if (/^\s*SubPlan\b/.test(line)) subPlanIndent = indent;
      else if (subPlanIndent >= 0 && indent <= subPlanIndent) subPlanIndent = -1;
      const loops = /\(actual [^)]*loops=(\d+)\)/.exec(line);
      if (subPlanIndent >= 0 && loops && node.test(line)) total += Number(loops[1]);
    }
  }
  return total;
}
