CREATE TABLE "attachment_removals" (
	"attachment_id" uuid PRIMARY KEY NOT NULL,
	"store" text NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "store" text DEFAULT 'postgres' NOT NULL;--> statement-breakpoint
CREATE INDEX "attachment_removals_queue" ON "attachment_removals" USING btree ("store","queued_at");--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_store" CHECK ("attachments"."store" in ('postgres', 's3'));--> statement-breakpoint
-- Every deleted attachment, however it went (its message or its uploader's account deleted by
-- cascade, the daily sweep, its uploader taking it back), queues its bytes for deletion from their
-- store in the deleting transaction itself; every node's reaper drains the queue
-- (lib/attachments/reaper.ts). One statement-level trigger: a sweep of many rows is one insert.
CREATE FUNCTION parley_attachments_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO attachment_removals (attachment_id, store) SELECT id, store FROM gone ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER attachments_removed AFTER DELETE ON attachments REFERENCING OLD TABLE AS gone
FOR EACH STATEMENT EXECUTE FUNCTION parley_attachments_removed();
