/**
 * setupFilesAfterEnv of the `domain` project: each test file's domain code talks to the database
 * that tests/support/domain-setup.ts started (db/index.ts reads DATABASE_URL), and its pool is
 * closed when the file is done so the worker can exit.
 */
import { closeDb } from "@/db";

const url = process.env.PARLEY_DOMAIN_DATABASE_URL;
if (!url) throw new Error("PARLEY_DOMAIN_DATABASE_URL is not set: run these tests through the jest project `domain`");
process.env.DATABASE_URL = url;

afterAll(() => closeDb());
