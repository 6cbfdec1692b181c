/** The domain project's embedded database, shared by its globalSetup and globalTeardown (one jest process). */
import fs from "node:fs";
import path from "node:path";
import { removeEmbeddedData } from "../../db/embedded-root";
import { setSingleton, singleton } from "../../lib/platform/singleton";

/** `.data/<prefix><pid>`: one folder per jest run. */
export const DOMAIN_DIR_PREFIX = "domain-";

interface Started {
  dir: string;
  stop(): Promise<void>;
}

// a process singleton: globalSetup and globalTeardown load this file in separate module registries
const NAME = "domain-test-db";
const held = () => singleton<Started | undefined>(NAME, () => undefined);

export const domainDb = {
  /** the database this run started, if any (none when DATABASE_URL was given) */
  get current(): Started | undefined {
    return held();
  },
  set current(value: Started | undefined) {
    setSingleton(NAME, value);
  },
  /** Stops the started database and deletes its data (as root, also where it was relocated to). */
  async release(): Promise<void> {
    const started = held();
    setSingleton(NAME, undefined);
    if (!started) return;
    try {
      await started.stop();
    } finally {
      removeEmbeddedData(path.join(started.dir, "postgres"));
      fs.rmSync(started.dir, { recursive: true, force: true });
    }
  },
};
