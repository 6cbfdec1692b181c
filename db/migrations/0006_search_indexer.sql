CREATE TABLE "message_search" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"search" "tsvector" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_search_queue" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"conversation_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "message_search" ADD CONSTRAINT "message_search_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_search_words" ON "message_search" USING gin ("conversation_id","search");--> statement-breakpoint
-- A text message written, edited or deleted: its document is dropped at once (old text is never
-- found) and the message queued for the indexer (lib/search/indexer.ts), all in the writer's own
-- transaction, which so pays one small queue insert instead of a GIN update (docs/search.md).
CREATE FUNCTION parley_search_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM message_search WHERE message_id = NEW.id;
  END IF;
  IF NEW.kind = 'text' AND NEW.deleted_at IS NULL THEN
    INSERT INTO message_search_queue (message_id, conversation_id) VALUES (NEW.id, NEW.conversation_id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER messages_search_enqueue AFTER INSERT OR UPDATE OF body, deleted_at ON messages
FOR EACH ROW EXECUTE FUNCTION parley_search_enqueue();--> statement-breakpoint
-- messages stored before: queued like new ones
INSERT INTO message_search_queue (message_id, conversation_id)
SELECT id, conversation_id FROM messages WHERE kind = 'text' AND deleted_at IS NULL ON CONFLICT DO NOTHING;
