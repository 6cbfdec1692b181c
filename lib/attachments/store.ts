/**
 * The attachment stores of this process (ATTACHMENT_STORE; docs/attachments.md "Storage"):
 * PostgreSQL by default, or an S3-compatible service. What a store does is ./store-contract.ts.
 * New uploads go to the configured store; each `attachments` row names the store holding its bytes.
 */
import "server-only";
import { AppError } from "../platform/errors";
import { env } from "../platform/env";
import type { AttachmentStore, StoreKind } from "./store-contract";
import { postgresStore } from "./store-postgres";
import { s3Store } from "./store-s3";

export type { AttachmentStore, StoreKind, Variant, Written } from "./store-contract";

/** The store made for the settings in `key` (another env(), a test switching stores, makes another). */
let held: { key: string; store: AttachmentStore } | undefined;

/**
 * The store env() chooses, where uploads are written. One per module graph, not per process
 * (lib/platform/singleton.ts): a store throws AppErrors of its own graph's class, and the route
 * handlers that turn them into 413s test with `instanceof`, which a store made by server.ts's graph
 * (the reaper's) would fail. A changed environment (loadEnv) gets a new store.
 */
export function attachmentStore(): AttachmentStore {
  const { attachmentStore: kind, s3 } = env();
  const key = JSON.stringify([kind, s3]);
  if (held?.key === key) return held.store;
  held?.store.close();
  const store = kind === "s3" ? s3Store(s3!) : postgresStore();
  held = { key, store };
  return store;
}

/**
 * The store holding bytes written to `kind`: PostgreSQL is always at hand; S3 only when this
 * process is configured for it, else AppError `unavailable` (files uploaded with S3 on a node
 * started without it).
 */
export function storeOf(kind: StoreKind): AttachmentStore {
  if (kind === "postgres") return env().attachmentStore === "postgres" ? attachmentStore() : postgresStore();
  if (env().attachmentStore === "s3") return attachmentStore();
  throw new AppError("unavailable", "This file is kept in S3, which this server is not configured for");
}

/** The stores this process can delete from: PostgreSQL, and S3 when configured. */
export function reachableStoreKinds(): StoreKind[] {
  return env().attachmentStore === "s3" ? ["postgres", "s3"] : ["postgres"];
}

/** Closes this module graph's store's own connections (at shutdown); the next attachmentStore() makes a new one. */
export function closeAttachmentStore(): void {
  held?.store.close();
  held = undefined;
}
