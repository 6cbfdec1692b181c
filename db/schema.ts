import { sql, type InferSelectModel } from "drizzle-orm";
import { type AnyPgColumn, bigint, check, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/** PostgreSQL's full-text document type (read back as its text form; never selected by the app). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Stored lowercase; uniqueness is therefore case-insensitive.
    username: text("username").notNull().unique(),
    email: text("email").notNull().unique(),
    displayName: text("display_name").notNull(),
    bio: text("bio").notNull().default(""),
    avatar: text("avatar"),
    passwordHash: text("password_hash").notNull(),
    // Bumped with every credential change (password change, and deletion is the last one): a sign-in
    // creates its session only while the row still has the version its password was verified against.
    credentialVersion: integer("credential_version").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Directory search (username / display name, substring, any case) uses trigram indexes.
    index("users_username_trgm").using("gin", sql`${t.username} gin_trgm_ops`),
    index("users_display_name_trgm").using("gin", sql`lower(${t.displayName}) gin_trgm_ops`),
    // …and reads the directory in username order from this index alone (index-only scans: both
    // searched columns are in it), where matches are dense: lib/people/directory.ts.
    index("users_directory").on(t.username, t.displayName),
    // …and, for a query without a trigram (one or two characters, or no three letters or digits in a row),
    // this index of every one- and two-character piece of both names (the function is migration 0011's).
    index("users_name_grams").using("gin", sql`parley_name_grams(${t.username}, ${t.displayName})`),
  ],
);
export type User = InferSelectModel<typeof users>;

export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_id").on(t.userId)],
);
export type Session = InferSelectModel<typeof sessions>;

export const conversations = pgTable("conversations", {
  id: uuid("id").primaryKey().defaultRandom(),
  kind: text("kind", { enum: ["direct", "group"] }).notNull(),
  title: text("title"),
  // The two member ids sorted and joined: one direct conversation per pair.
  directKey: text("direct_key").unique(),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  // The conversation's position counter: every new message, edit and delete takes the next one.
  lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
  // Groups: the creator's idempotency key (POST /api/conversations `clientId`), so a retried
  // creation answers the group it made instead of making a second one.
  clientId: uuid("client_id"),
}, (t) => [unique("conversations_created_by_client_id").on(t.createdBy, t.clientId)]);
export type Conversation = InferSelectModel<typeof conversations>;

export const members = pgTable(
  "members",
  {
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "member"] }).notNull().default("member"),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
    lastReadSeq: bigint("last_read_seq", { mode: "number" }).notNull().default(0),
    // The member's own notification level for this conversation (DESIGN.md, Contract additions).
    notifications: text("notifications", { enum: ["all", "mentions", "none"] }).notNull().default("all"),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index("members_user_id").on(t.userId),
    check("members_notifications", sql`${t.notifications} in ('all', 'mentions', 'none')`),
  ],
);
export type Member = InferSelectModel<typeof members>;

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    rev: bigint("rev", { mode: "number" }).notNull(),
    // A deleted account's messages stay, shown as "Deleted user".
    senderId: uuid("sender_id").references(() => users.id, { onDelete: "set null" }),
    clientId: uuid("client_id").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    // "text", or "system": a group change recorded in the timeline, described by `event`.
    kind: text("kind", { enum: ["text", "system"] }).notNull().default("text"),
    event: jsonb("event"),
    // The message this one replies to (same conversation); its preview goes out with this one.
    replyToId: uuid("reply_to_id").references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    // User ids mentioned in the body (members only), or "all".
    mentions: text("mentions").array().notNull().default(sql`'{}'::text[]`),
    pinnedAt: timestamp("pinned_at", { withTimezone: true }),
    pinnedBy: uuid("pinned_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    unique("messages_conversation_seq").on(t.conversationId, t.seq),
    unique("messages_sender_client_id").on(t.senderId, t.clientId),
    index("messages_conversation_rev").on(t.conversationId, t.rev),
    index("messages_pinned").on(t.conversationId, t.pinnedAt).where(sql`${t.pinnedAt} is not null`),
    check("messages_kind", sql`${t.kind} in ('text', 'system')`),
  ],
);
export type Message = InferSelectModel<typeof messages>;

/**
 * A text message's body as a full-text document (lib/search/; docs/search.md): the parley_search
 * configuration over the parley_search_text normaliser (migration 0004). Kept apart from `messages`
 * and filled after commit by the indexer (lib/search/indexer.ts), as Zulip does: a send pays one
 * small queue insert, never a GIN update in its transaction. An edit or a deletion removes the row
 * in its own transaction (the trigger of migration 0006), so old text is never found.
 */
export const messageSearch = pgTable(
  "message_search",
  {
    messageId: uuid("message_id")
      .primaryKey()
      .references(() => messages.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    search: tsvector("search").notNull(),
  },
  // conversation ids and words in one GIN (btree_gin): PostgreSQL intersects the caller's
  // conversations with the words in the index instead of fetching every message with the word
  (t) => [index("message_search_words").using("gin", t.conversationId, t.search)],
);

/** Text messages written or changed and not yet (re)indexed: filled by a trigger on `messages`, emptied by the indexer. */
export const messageSearchQueue = pgTable("message_search_queue", {
  messageId: uuid("message_id").primaryKey(),
  conversationId: uuid("conversation_id").notNull(),
});

/** One person's reaction to one message: an emoji grapheme or a `:shortcode:` from the built-in list. */
export const reactions = pgTable(
  "reactions",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    emoji: text("emoji").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.emoji, t.userId] })],
);
export type Reaction = InferSelectModel<typeof reactions>;

/** PostgreSQL's byte string (file contents). */
const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/**
 * A person's picture (issue 14, item 4; docs/attachments.md "Avatars"): 256×256 WebP as re-encoded by
 * the server (no metadata), at most a few tens of KiB, so it is kept in one row whatever
 * ATTACHMENT_STORE says. `users.avatar` holds its URL, versioned by `sha256`; deleting the account
 * deletes it.
 */
export const avatars = pgTable("avatars", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  data: bytea("data").notNull(),
  // hex SHA-256 of `data`: the ETag, and (its first 16 digits) the URL's version
  sha256: text("sha256").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
export type Avatar = InferSelectModel<typeof avatars>;

/**
 * A file uploaded for a message (issue 14; docs/attachments.md). Unclaimed (`message_id` null) it is
 * the uploader's alone, and removed after a day; `message:send` claims it for one message, whose
 * conversation's members may then read it. Its type is sniffed from its bytes, never taken from the
 * client. Its bytes live in the store named by `store`: `attachment_chunks` (ATTACHMENT_STORE=postgres,
 * the default) or S3 objects (lib/attachments/store-s3.ts).
 */
export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    uploaderId: uuid("uploader_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // set together when claimed; a message's deletion deletes its files
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    // its place among the message's attachments (0-based)
    position: integer("position").notNull().default(0),
    name: text("name").notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    // pixels, oriented as shown (raster images only)
    width: integer("width"),
    height: integer("height"),
    // hex SHA-256 of the bytes: the ETag
    sha256: text("sha256").notNull(),
    thumbnailSize: bigint("thumbnail_size", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // where its bytes were written (ATTACHMENT_STORE at upload): read and removed from there, so a
    // change of store leaves older files readable
    store: text("store", { enum: ["postgres", "s3"] }).notNull().default("postgres"),
  },
  (t) => [
    index("attachments_message").on(t.messageId),
    index("attachments_uploader").on(t.uploaderId, t.createdAt),
    index("attachments_unclaimed").on(t.createdAt).where(sql`${t.messageId} is null`),
    check("attachments_store", sql`${t.store} in ('postgres', 's3')`),
  ],
);
export type Attachment = InferSelectModel<typeof attachments>;

/**
 * Attachments deleted whose bytes are still to be deleted from their store: filled by a trigger on
 * `attachments` (migration 0007) whichever way a row goes (its message or account deleted, swept,
 * taken back), drained by every node's reaper (lib/attachments/reaper.ts).
 */
export const attachmentRemovals = pgTable(
  "attachment_removals",
  {
    attachmentId: uuid("attachment_id").primaryKey(),
    store: text("store", { enum: ["postgres", "s3"] }).notNull(),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("attachment_removals_queue").on(t.store, t.queuedAt)],
);
export type AttachmentRemoval = InferSelectModel<typeof attachmentRemovals>;

/** The bytes of an attachment (`file`) and of its thumbnail (`thumbnail`), in parts of ATTACHMENT_CHUNK_BYTES. */
export const attachmentChunks = pgTable(
  "attachment_chunks",
  {
    attachmentId: uuid("attachment_id")
      .notNull()
      .references(() => attachments.id, { onDelete: "cascade" }),
    variant: text("variant", { enum: ["file", "thumbnail"] }).notNull(),
    part: integer("part").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.attachmentId, t.variant, t.part] }), check("attachment_chunks_variant", sql`${t.variant} in ('file', 'thumbnail')`)],
);
