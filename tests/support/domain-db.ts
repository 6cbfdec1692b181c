/** The domain project's embedded database, shared by its globalSetup and globalTeardown (one jest process). */
import fs from "node:fs";
import path from "node:path";
import { removeEmbeddedData } from "../../db/embedded-root";

/** `.data/<prefix><pid>`: one folder per jest run. */
export const DOMAIN_DIR_PREFIX = "domain-";

interface Started {
  dir: string;
  stop(): Promise<void>;
}

const holder = globalThis as unknown as { __parleyDomainDb?: Started };

export const domainDb = {
  /** the database this run started, if any (none when DATABASE_URL was given) */
  get current(): Started | undefined {
    return holder.__parleyDomainDb;
  },
  set current(value: Started | undefined) {
    holder.__parleyDomainDb = value;
  },
  /** Stops the started database and deletes its data (as root, also where it was relocated to). */
  async release(): Promise<void> {
    const started = holder.__parleyDomainDb;
    holder.__parleyDomainDb = undefined;
    if (!started) return;
    try {
      await started.stop();
    } finally {
      removeEmbeddedData(path.join(started.dir, "postgres"));
      fs.rmSync(started.dir, { recursive: true, force: true });
    }
  },
};
