import { domainDb } from "./domain-db";

/** globalTeardown of the `domain` project: the database stops and its data goes, whatever the tests did. */
export default async function domainTeardown(): Promise<void> {
  await domainDb.release();
}
