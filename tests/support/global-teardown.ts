import type { ChildProcess } from "node:child_process";

const holder = globalThis as unknown as { __parleyTestEnv?: ChildProcess };

export default async function globalTeardown(): Promise<void> {
  const child = holder.__parleyTestEnv;
  if (!child || child.exitCode !== null) return;
  holder.__parleyTestEnv = undefined;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
