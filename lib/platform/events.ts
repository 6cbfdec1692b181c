/**
 * Domain events: what happened, told after it committed. Domains publish them and never touch
 * connections; `lib/realtime/delivery.ts` subscribes and turns them into Socket.IO emits and room
 * changes (Zulip's `send_event_on_commit`, Synapse's `notifier.on_new_event`).
 *
 * Each domain declares its events in its own `events.ts` by augmenting {@link DomainEvents}
 * (`declare module "../platform/events"`), so this file names no domain and every publisher and
 * subscriber is type-checked against one union.
 */
import "server-only";
import type postgres from "postgres";
import { log } from "./log";
import { singleton } from "./singleton";

/** Event name → payload; each domain adds its own (see the domains' events.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DomainEvents {}

/** One event: `{ type, ...payload }`. */
export type DomainEvent = { [K in keyof DomainEvents]: { type: K } & DomainEvents[K] }[keyof DomainEvents];

/** A subscriber; it may be async: publishing waits for it, in order. */
export type Subscriber = (event: DomainEvent) => void | Promise<void>;

// One list per process: server.ts subscribes, Next's bundles publish (see singleton.ts).
const subscribers = () => singleton("domain-event-subscribers", () => new Set<Subscriber>());

/** Adds a subscriber for every event; returns the function that removes it. */
export function subscribe(subscriber: Subscriber): () => void {
  subscribers().add(subscriber);
  return () => void subscribers().delete(subscriber);
}

/**
 * Hands committed events to every subscriber, one event at a time in the order given, and waits for
 * each (so a caller's answer goes out after its announcements, as before domain events). A
 * subscriber's failure is logged and does not stop the others: the change is committed, and clients
 * catch up by `sync` and by refetching their list.
 */
export async function publish(...events: DomainEvent[]): Promise<void> {
  for (const event of events) {
    for (const subscriber of subscribers()) {
      try {
        await subscriber(event);
      } catch (err) {
        log.error("events", `a subscriber failed on ${event.type}:`, err);
      }
    }
  }
}

export type Tx = postgres.TransactionSql;

/** Queues an event to be published once the surrounding transaction commits. */
export type Emit = (event: DomainEvent) => void;
