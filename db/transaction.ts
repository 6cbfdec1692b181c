/**
 * One transaction whose domain events are published only after it commits (lib/platform/events.ts):
 * the way domains write when what they change must reach clients.
 */
import "server-only";
import { publish, type DomainEvent, type Emit, type Tx } from "@/lib/platform/events";
import { getSql } from "./index";

/**
 * Runs `fn` in one transaction and publishes the events it collected only once that transaction has
 * committed; a rollback (a throw) drops them. `fn` gets the transaction and `emit`, which queues an event.
 */
export async function transaction<T>(fn: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
  const queued: DomainEvent[] = [];
  const result = await getSql().begin((tx) => fn(tx, (event) => void queued.push(event)));
  await publish(...queued);
  return result as T;
}
