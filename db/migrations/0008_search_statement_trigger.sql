-- The send's share of search, smaller (issue 14, item 10): new messages are queued for the indexer
-- by one statement per INSERT (a statement-level trigger reading the inserted rows as a transition
-- table) rather than a PL/pgSQL call and an INSERT per row; the group-commit writer inserts a whole
-- batch in one statement, so a batch of 67 pays one queue insert instead of 67. Edits and deletes
-- keep the row-level trigger (a column list, UPDATE OF, cannot have a transition table).
DROP TRIGGER messages_search_enqueue ON messages;--> statement-breakpoint
CREATE FUNCTION parley_search_enqueue_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO message_search_queue (message_id, conversation_id)
  SELECT id, conversation_id FROM inserted WHERE kind = 'text' AND deleted_at IS NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER messages_search_enqueue AFTER INSERT ON messages
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION parley_search_enqueue_inserted();--> statement-breakpoint
CREATE TRIGGER messages_search_requeue AFTER UPDATE OF body, deleted_at ON messages
FOR EACH ROW EXECUTE FUNCTION parley_search_enqueue();
--> statement-breakpoint
-- Documents now hold the message's file names too (lib/search/indexer.ts): messages with files
-- stored before are queued to be indexed again.
INSERT INTO message_search_queue (message_id, conversation_id)
SELECT DISTINCT m.id, m.conversation_id FROM messages m JOIN attachments a ON a.message_id = m.id
WHERE m.kind = 'text' AND m.deleted_at IS NULL ON CONFLICT DO NOTHING;
