/**
 * The attachment stores of this process (ATTACHMENT_STORE; docs/attachments.md "Storage"):
 * PostgreSQL by default, or an S3-compatible service. What a store does is ./store-contract.ts.
 * New uploads go to the configured store; each `attachments` row names the store holding its bytes.
 */
import "server-only";
import { AppError } from "../platform/errors";
import { env } from "../platform/env";
import { setSingleton, singleton } from "../platform/singleton";
import type { AttachmentStore, StoreKind } from "./store-contract";
import { postgresStore } from "./store-postgres";
import { s3Store } from "./store-s3";

export type { AttachmentStore, StoreKind, Variant, Written } from "./store-contract";

interface Held {
  /** the settings it was made for: another env() (a test switching stores) makes another store */
  key: string;
  store: AttachmentStore;
}
const held = () => singleton<Held | undefined>("attachment-store", () => undefined);

/**
 * The store env() chooses, where uploads are written: one per process whichever module graph asks
 * (server.ts's reaper and Next's route handlers share one S3 client). A changed environment
 * (loadEnv) gets a new store.
 */
export function attachmentStore(): AttachmentStore {
  const { attachmentStore: kind, s3 } = env();
  const key = JSON.stringify([kind, s3]);
  const current = held();
  if (current?.key === key) return current.store;
  current?.store.close();
  const store = kind === "s3" ? s3Store(s3!) : postgresStore();
  setSingleton<Held>("attachment-store", { key, store });
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

/** Closes the store's own connections (at shutdown); the next attachmentStore() makes a new one. */
export function closeAttachmentStore(): void {
  held()?.store.close();
  setSingleton("attachment-store", undefined);
}
