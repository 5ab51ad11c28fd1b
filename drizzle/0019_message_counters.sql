-- requests.last_message_at and requests.unread_messages follow the request's messages, whoever
-- writes them (the inbound pipeline, outbound letters, an admin assigning unmatched mail).
-- unread_messages counts inbound messages the owner has not read (read_at is null).
CREATE FUNCTION messages_refresh_request_counters(target uuid) RETURNS void LANGUAGE sql AS $$
  UPDATE requests SET
    last_message_at = (SELECT max(coalesce(m.sent_at, m.created_at)) FROM messages m WHERE m.request_id = target),
    unread_messages = (SELECT count(*) FROM messages m WHERE m.request_id = target AND m.direction = 'inbound' AND m.read_at IS NULL)
  WHERE id = target;
$$;
--> statement-breakpoint
CREATE FUNCTION messages_request_counters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.request_id IS NOT NULL THEN
    PERFORM messages_refresh_request_counters(OLD.request_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.request_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.request_id IS DISTINCT FROM OLD.request_id OR NEW.read_at IS DISTINCT FROM OLD.read_at
          OR NEW.sent_at IS DISTINCT FROM OLD.sent_at) THEN
    PERFORM messages_refresh_request_counters(NEW.request_id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER messages_request_counters AFTER INSERT OR DELETE OR UPDATE OF request_id, read_at, sent_at ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_request_counters();
--> statement-breakpoint
-- Requests with messages already (letters recorded before this migration) start with their counts.
UPDATE requests SET
  last_message_at = counted.last_at,
  unread_messages = counted.unread
FROM (
  SELECT request_id, max(coalesce(sent_at, created_at)) AS last_at,
         count(*) FILTER (WHERE direction = 'inbound' AND read_at IS NULL) AS unread
  FROM messages WHERE request_id IS NOT NULL GROUP BY request_id
) AS counted
WHERE requests.id = counted.request_id;
